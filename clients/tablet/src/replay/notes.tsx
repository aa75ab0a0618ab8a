/** The replay's notes (annotations): by statement, then by table, as they stand at the current
 *  point; a hidden statement is named « énoncé masqué », never by its text. */
import { plural, quoted, t } from '../i18n';
import type { SessionView } from '../state';
import { notesByStatement, notesByTable } from '../state/notes';
import { noteMeta } from '../ui/notes';
import { Pictogram } from '../ui/Pictogram';
import { statementWords } from './views';

export function Notes({ state, masked }: { state: SessionView; masked: ReadonlySet<string> }) {
  const byStatement = notesByStatement(state);
  const byTable = notesByTable(state);
  const total = state.annotations.length;
  return (
    <section class="mk-card" aria-labelledby="notes-title" data-testid="replay-notes" data-count={total}>
      <h2 id="notes-title">
        <Pictogram name="note" /> {t('replay.notes.title')}
      </h2>
      {total === 0 ? <p class="mk-muted">{t('replay.notes.none')}</p> : <p>{plural('replay.notes.count', total)}</p>}
      {byStatement.length > 0 && (
        <details open>
          <summary>{t('replay.notes.by_statement')}</summary>
          {byStatement.map(({ key, notes }) => (
            <div key={key} data-notes-statement={key}>
              <p class="mk-replay-meta"><strong>{quoted(statementWords(state.statements[key], masked))}</strong></p>
              <ul class="mk-list">
                {notes.map((note) => (
                  <li key={note.id}>
                    <p class="mk-replay-synthesis">{note.text}</p>
                    <p class="mk-muted">{noteMeta(state, note)}</p>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </details>
      )}
      {byTable.length > 0 && (
        <details open>
          <summary>{t('replay.notes.by_table')}</summary>
          {byTable.map(({ key, notes }) => (
            <div key={key} data-notes-table={key}>
              <p class="mk-replay-meta"><strong>{t('table.number', { n: key })}</strong></p>
              <ul class="mk-list">
                {notes.map((note) => (
                  <li key={note.id}>
                    <p class="mk-replay-synthesis">{note.text}</p>
                    <p class="mk-muted">{noteMeta(state, note)}</p>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </details>
      )}
    </section>
  );
}
