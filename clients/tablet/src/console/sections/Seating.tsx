/** The seating section: seat and rotate the tables, the plan's quality figures, and the plan itself. */
import { plural, t } from '../../i18n';
import { currentRound, presentParticipants, type SessionView } from '../../state';
import { isQpvResident, isRoundLive, seatingQuality, tablesInOrder } from '../lib';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, territoryName, type Run } from '../kit';
import { TableTablets, type NoPhoneProps } from './NoPhone';

export function Seating({ view, run, noPhone }: { view: SessionView; run: Run; noPhone?: NoPhoneProps }) {
  const tables = tablesInOrder(view);
  const quality = seatingQuality(view);
  const live = isRoundLive(currentRound(view));
  const present = presentParticipants(view);
  const count = present.length;
  const seatReason =
    closedReason(view) ??
    (tables.length ? t('console.reason.already_seated') : null) ??
    (count < 2 ? t('console.reason.too_few') : null) ??
    (live ? t('console.reason.round_live') : null);
  const rotateReason =
    closedReason(view) ??
    (!tables.length ? t('console.reason.not_seated') : null) ??
    (live ? t('console.reason.round_live') : null);
  const unseated = present.filter((p) => p.table === null).length;
  return (
    <Section id="seating" title={t('console.nav.seating')}>
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('SeatTables', undefined, 'console.done.seated')} reason={seatReason}>
          <Pictogram name="table" size={20} /> {t('console.seating.seat')}
        </Action>
        <Action onClick={() => run('RotateTables', undefined, 'console.done.rotated')} reason={rotateReason}>
          <Pictogram name="shuffle" size={20} /> {t('console.seating.rotate')}
        </Action>
      </div>
      {tables.length > 0 && (
        <dl class="mk-figures" aria-label={t('console.seating.quality')}>
          <div><dt>{t('console.seating.tables')}</dt><dd>{quality.tables}</dd></div>
          <div><dt>{t('console.seating.seated')}</dt><dd>{quality.seated}</dd></div>
          <div><dt>{t('console.seating.min_territories')}</dt><dd>{quality.minTerritories}</dd></div>
          <div><dt>{t('console.seating.with_qpv')}</dt><dd>{t('console.seating.of', { n: quality.tablesWithQpv, total: quality.tables })}</dd></div>
          <div><dt>{t('console.seating.repeated')}</dt><dd>{quality.repeatedPairs}</dd></div>
        </dl>
      )}
      {unseated > 0 && tables.length > 0 && <p>{plural('console.seating.unseated', unseated)}</p>}
      {tables.length === 0 ? (
        <p data-testid="seating-plan">{t('console.seating.none')}</p>
      ) : (
        <ul class="mk-plan" data-testid="seating-plan">
          {tables.map((table) => (
            <li key={table.table} class="mk-card" data-table={table.table}>
              <h3>{t('console.seating.table', { n: table.table })}</h3>
              <ul class="mk-members">
                {table.members.map((member) => {
                  const person = view.participants[member];
                  const host = table.host === member;
                  return (
                    <li key={member} class={host ? 'mk-host' : undefined}>
                      {host && <span class="mk-badge" data-testid="host-badge"><Pictogram name="star" size={20} /> {t('console.seating.host')}</span>}{' '}
                      <strong>{person?.pseudonym ?? member}</strong>
                      <span class="mk-muted"> — {territoryName(view, person?.territory)}</span>
                      {isQpvResident(view, member) && <span class="mk-qpv"> {t('console.qpv_yes')}</span>}
                    </li>
                  );
                })}
              </ul>
              {table.host === null && <p class="mk-muted">{t('console.seating.no_host')}</p>}
            </li>
          ))}
        </ul>
      )}
      {noPhone && <TableTablets {...noPhone} code={noPhone.conn.welcome?.session.code ?? ''} />}
    </Section>
  );
}
