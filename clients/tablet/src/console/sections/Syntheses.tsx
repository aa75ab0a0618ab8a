/** The syntheses section: the table hosts' syntheses, grouped by round. */
import { t } from '../../i18n';
import type { SessionView } from '../../state';
import { synthesesByRound } from '../lib';
import { Section, pseudonym } from '../kit';

export function Syntheses({ view }: { view: SessionView }) {
  const groups = synthesesByRound(view);
  return (
    <Section id="syntheses" title={t('console.nav.syntheses')}>
      {groups.length === 0 && <p>{t('console.syntheses.none')}</p>}
      {groups.map(({ round, items }) => (
        <div key={round}>
          <h3>{t('console.round.current', { n: round })} — {view.rounds[round - 1]?.spec.prompt ?? ''}</h3>
          <ul class="mk-list">
            {items.map((s) => (
              <li key={`${s.round}|${s.table}`} class="mk-card">
                <p class="mk-muted">{t('console.syntheses.by', { table: s.table, host: pseudonym(view, s.host) })}</p>
                <p class="mk-synthesis">{s.text}</p>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Section>
  );
}
