/** The participants section: how many joined and how many are connected now, by territory. */
import type { Presence } from '../../protocol';
import { plural, t } from '../../i18n';
import { presentParticipants, type SessionView } from '../../state';
import { territoryCounts } from '../lib';
import { Section } from '../kit';

export function Participants({ view, presence }: { view: SessionView; presence: Presence | null }) {
  const rows = territoryCounts(view, presence?.territories ?? {});
  const joined = presentParticipants(view).length; // whoever left no longer counts
  const connected = presence ? presence.participants.length : null;
  return (
    <Section id="participants" title={t('console.nav.participants')}>
      <p>
        {plural('console.participants.joined', joined)}{' '}
        {connected === null ? t('console.participants.connected_unknown') : plural('console.participants.connected', connected)}
      </p>
      {/* At 360 px the table may be wider than the screen: it scrolls inside its own region,
          reachable by keyboard, and the page does not scroll sideways. */}
      <div class="mk-table-scroll" role="region" aria-label={t('console.participants.caption')} tabIndex={0}>
      <table class="mk-table" data-testid="participants-by-territory">
        <caption class="mk-sr-only">{t('console.participants.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('console.participants.territory')}</th>
            <th scope="col">{t('console.participants.commune')}</th>
            <th scope="col">{t('console.participants.qpv')}</th>
            <th scope="col">{t('console.participants.joined')}</th>
            <th scope="col">{t('console.participants.now')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ territory, joined: j, connected: c }) => (
            <tr key={territory.id} data-territory={territory.id}>
              <th scope="row">{territory.name}</th>
              <td>{territory.commune}</td>
              <td>{territory.qpv ? <span class="mk-qpv">{t('console.qpv_yes')}</span> : t('console.qpv_no')}</td>
              <td>{j}</td>
              <td>{presence ? c : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </Section>
  );
}
