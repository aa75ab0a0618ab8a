/** The notes section: what participants noted during the rounds, by statement and by table, each
 *  with its author (by pseudonym only with their consent), its round, and a place or tags. */
import { plural, quoted, t } from '../../i18n';
import type { AnnotationView, SessionView } from '../../state';
import { notesByStatement, notesByTable } from '../../state/notes';
import { noteMeta } from '../../ui/notes';
import { Pictogram } from '../../ui/Pictogram';
import { Section, statementText } from '../kit';

export function Notes({ view }: { view: SessionView }) {
  const byStatement = notesByStatement(view);
  const byTable = notesByTable(view);
  return (
    <Section id="notes" title={t('console.nav.notes')} testid="notes-section">
      <p>{plural('console.notes.count', view.annotations.length)}</p>
      {view.annotations.length === 0 && <p>{t('console.notes.none')}</p>}
      {byStatement.length > 0 && <h3>{t('console.notes.by_statement')}</h3>}
      {byStatement.map(({ key, notes }) => {
        const statement = view.statements[key];
        return (
          <div key={key} class="mk-card mk-notes-of" data-notes-statement={key}>
            <p class="mk-statement">{statement ? quoted(statementText(statement)) : t('console.statement.no_text')}</p>
            <NoteItems view={view} notes={notes} />
          </div>
        );
      })}
      {byTable.length > 0 && <h3>{t('console.notes.by_table')}</h3>}
      {byTable.map(({ key, notes }) => (
        <div key={key} class="mk-card mk-notes-of" data-notes-table={key}>
          <h4><Pictogram name="table" size={20} /> {t('console.seating.table', { n: key })}</h4>
          <NoteItems view={view} notes={notes} />
        </div>
      ))}
    </Section>
  );
}

function NoteItems({ view, notes }: { view: SessionView; notes: AnnotationView[] }) {
  return (
    <ul class="mk-notes">
      {notes.map((note) => (
        <li key={note.id} data-note={note.id}>
          <p class="mk-note-text">{note.text}</p>
          <p class="mk-muted">{noteMeta(view, note)}</p>
        </li>
      ))}
    </ul>
  );
}
