/** The moderation section: statements waiting for the facilitator, to publish, hide or merge. */
import { useState } from 'preact/hooks';
import { plural, quoted, t } from '../../i18n';
import { publishedStatements, type SessionView, type StatementView } from '../../state';
import { moderationQueue } from '../lib';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, statementMeta, statementText, type Run } from '../kit';

export function Moderation({ view, run }: { view: SessionView; run: Run }) {
  const queue = moderationQueue(view);
  const published = publishedStatements(view);
  return (
    <Section id="moderation" title={t('console.nav.moderation')}>
      <p>{plural('console.moderation.count', queue.length)}</p>
      <ul class="mk-list" data-testid="moderation-queue">
        {queue.map((s) => (
          <QueueItem key={s.id} view={view} statement={s} published={published} run={run} />
        ))}
      </ul>
    </Section>
  );
}

function QueueItem({ view, statement, published, run }: { view: SessionView; statement: StatementView; published: StatementView[]; run: Run }) {
  const [into, setInto] = useState('');
  const targets = published.filter((p) => p.id !== statement.id);
  const closed = closedReason(view);
  const selectId = `merge-${statement.id}`;
  const mergeReason =
    closed ?? (targets.length === 0 ? t('console.reason.no_merge_target') : !into ? t('console.reason.choose_merge') : null);
  return (
    <li class="mk-card" data-statement-id={statement.id}>
      <p class="mk-statement">{quoted(statementText(statement))}</p>
      <p class="mk-muted">{statementMeta(view, statement, true)}</p>
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('PublishStatement', { statement: statement.id }, 'console.done.published')} reason={closed}>
          <Pictogram name="check" size={20} /> {t('console.moderation.publish')}
        </Action>
        <Action onClick={() => run('HideStatement', { statement: statement.id }, 'console.done.hidden')} reason={closed}>
          <Pictogram name="cross" size={20} /> {t('console.moderation.hide')}
        </Action>
      </div>
      {targets.length > 0 && (
        <div class="mk-merge">
          <label for={selectId}>{t('console.moderation.merge_with')}</label>
          <select id={selectId} value={into} onChange={(e) => setInto((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('console.moderation.choose')}</option>
            {targets.map((p) => (
              <option key={p.id} value={p.id}>{excerpt(p.text ?? '')}</option>
            ))}
          </select>
        </div>
      )}
      <Action
        onClick={() => run('MergeStatements', { statement: statement.id, into }, 'console.done.merged')}
        reason={mergeReason}
      >
        <Pictogram name="merge" size={20} /> {t('console.moderation.merge')}
      </Action>
    </li>
  );
}

/** A published statement as a merge target: its text (people know statements by their words,
 *  not by an id), cut at 80 characters. */
function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
