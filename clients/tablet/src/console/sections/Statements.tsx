/** The published statements section: their position counts, promotion to a proposal, and what the
 *  projector shows. */
import { useState } from 'preact/hooks';
import { plural, quoted, t } from '../../i18n';
import { DEFAULT_K, POSITION_KEYS, idNumber, publishedStatements, statementTally, type SessionView, type StatementView } from '../../state';
import { positionTotals, proposalOf } from '../lib';
import { Pictogram } from '../../ui/Pictogram';
import { positionIcon } from '../../ui/PositionScale';
import { ProvenanceLine } from '../../ui/Provenance';
import { Action, Section, closedReason, statementMeta, statementText, type Run } from '../kit';

export function Statements({ view, run }: { view: SessionView; run: Run }) {
  const published = publishedStatements(view);
  return (
    <Section id="statements" title={t('console.nav.statements')}>
      <OnScreen view={view} run={run} />
      {published.length === 0 && <p>{t('console.statements.none')}</p>}
      <ul class="mk-list" data-testid="statement-list">
        {published.map((s) => (
          <PublishedItem key={s.id} view={view} statement={s} run={run} />
        ))}
      </ul>
    </Section>
  );
}

/** The room's positions on a statement, from the tallies: the console sees counts, as the room
 *  does (a position is its owner's); under k voters, none. */
function PositionCounts({ view, statement }: { view: SessionView; statement: string }) {
  const tally = statementTally(view.tallies, statement);
  if (!tally) return <p class="mk-muted">{t('results.no_positions')}</p>;
  if (tally.overall.hidden) {
    return <p class="mk-muted" data-testid={`positions-hidden-${statement}`}>{t('results.too_few', { k: view.tallies?.k_anonymity ?? DEFAULT_K })}</p>;
  }
  const totals = positionTotals(tally.overall);
  const sum = tally.overall.voters ?? 0;
  return (
    <div class="mk-counts">
      <p>{plural('console.statements.positions', sum)}</p>
      <ul class="mk-count-list">
        {POSITION_KEYS.map((value) => (
          <li key={value} class="mk-count-item" data-value={value}>
            <Pictogram name={positionIcon(value)} size={20} />{' '}
            <span>{t('console.statements.count_label', { label: t(`position.${value}`) })}</span> <strong>{totals[value] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PublishedItem({ view, statement, run }: { view: SessionView; statement: StatementView; run: Run }) {
  const [text, setText] = useState('');
  const proposal = proposalOf(view, statement.id);
  const closed = closedReason(view);
  const inputId = `promote-${statement.id}`;
  const onScreen = view.results?.statement === statement.id;
  return (
    <li class="mk-card" data-statement-id={statement.id}>
      <p class="mk-statement">{quoted(statementText(statement))}</p>
      <p class="mk-muted">{statementMeta(view, statement, true)}</p>
      <ProvenanceLine st={statement} />
      <PositionCounts view={view} statement={statement.id} />
      {proposal ? (
        <p><Pictogram name="star" size={20} /> {t('console.statements.promoted', { text: proposal.text })}</p>
      ) : (
        <div class="mk-field">
          <label for={inputId}>{t('console.statements.proposal_text')}</label>
          <input id={inputId} type="text" maxLength={400} value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        </div>
      )}
      <div class="mk-actions">
        <Action
          onClick={() =>
            run('PromoteProposal', text.trim() ? { statement: statement.id, text: text.trim() } : { statement: statement.id }, 'console.done.promoted')
          }
          reason={closed ?? (proposal ? t('console.reason.promoted') : null)}
        >
          <Pictogram name="star" size={20} /> {t('console.statements.promote')}
        </Action>
        <Action
          onClick={() => run('ShowResults', { statement: statement.id }, 'console.done.shown')}
          reason={closed ?? (onScreen ? t('console.reason.on_screen') : null)}
        >
          <Pictogram name="chart" size={20} /> {t('console.statements.show')}
        </Action>
      </div>
    </li>
  );
}

/** What the projector shows now, and the button to take results off the screen. */
function OnScreen({ view, run }: { view: SessionView; run: Run }) {
  const results = view.results;
  let what = t('console.screen.nothing');
  if (results?.statement) {
    const s = view.statements[results.statement];
    what = t('console.screen.statement', { text: s?.text ?? t('console.statement.no_text') });
  } else if (results?.vote) {
    what = t('console.screen.vote', { n: idNumber(results.vote) });
  }
  return (
    <div class="mk-onscreen">
      <p><Pictogram name="eye" size={20} /> {what}</p>
      <Action onClick={() => run('HideResults', {}, 'console.done.hidden_results')} reason={closedReason(view) ?? (results ? null : t('console.reason.nothing_shown'))}>
        {t('console.screen.hide')}
      </Action>
    </div>
  );
}
