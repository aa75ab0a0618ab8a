/** Notes (Annotate) on a statement or on my table: the form (a text and, if wanted, a place),
 *  the list of the notes already written, and my notes the server refused after they waited
 *  (kept, marked « non envoyée »). */
import { useRef, useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import type { AnnotationView, SessionView } from '../state';
import { Button } from '../ui/Button';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { TextBox } from './TextBox';
import { useDraft } from './storage';
import { unsentReason } from './unsent';

const MAX = 1000;
const PLACE_MAX = 120;

export function NoteForm(props: { ctx: Ctx; target: { statement: string } | { table: number }; onDone: () => void; idPrefix: string }) {
  const { conn, sessionId } = props.ctx;
  const name = 'statement' in props.target ? `note:s:${props.target.statement}` : `note:t:${props.target.table}`;
  const [text, setText, clearText] = useDraft(sessionId, name);
  const [place, setPlace, clearPlace] = useDraft(sessionId, `${name}:place`);
  const [error, setError] = useState<string | null>(null);

  function fail(message: string) {
    setError(message);
    announce(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    const clean = text.trim();
    if (!clean) return fail(t('p.note.empty'));
    if (clean.length > MAX || place.trim().length > PLACE_MAX) return fail(errorText('text_too_long'));
    const data: Record<string, unknown> = { text: clean, ...props.target };
    if (place.trim()) data.place = place.trim();
    conn
      .send('Annotate', data)
      .then(() => announce(t('p.note.sent')))
      .catch(() => undefined); // said by the Tablet, and kept below the form (UnsentNotes)
    clearText();
    clearPlace();
    announce(conn.status === 'online' ? t('p.note.sending') : t('common.queued'));
    props.onDone();
  }

  return (
    <form class="mk-note-form" onSubmit={submit} noValidate>
      <TextBox id={`${props.idPrefix}-text`} label={t('p.note.label')} value={text} max={MAX} rows={3} error={error} onInput={setText} />
      <TextBox id={`${props.idPrefix}-place`} label={`${t('p.note.place')} ${t('common.optional')}`} hint={t('p.note.place_hint')} value={place} max={PLACE_MAX} single onInput={setPlace} />
      <div class="mk-row">
        <Button type="submit" variant="primary" icon="send">
          {t('p.note.submit')}
        </Button>
        <Button onClick={props.onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/** The notes already written: who, what, and where when a place was given. */
export function NoteList({ s, notes }: { s: SessionView; notes: AnnotationView[] }) {
  return (
    <ul class="mk-notes">
      {notes.map((a) => (
        <li key={a.id}>
          <span class="mk-note-author">{s.participants[a.author]?.pseudonym ?? a.author}</span> {a.text}
          {a.place && (
            <span class="mk-muted">
              {' '}
              · <Pictogram name="pin" size={16} /> {a.place}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** My notes on this target that the server refused after they waited: their text, kept. */
export function UnsentNotes({ ctx, target }: { ctx: Ctx; target: { statement: string } | { table: number } }) {
  const { unsent } = ctx;
  const here = unsent.list.filter(
    (u) => u.type === 'Annotate' && ('statement' in target ? u.data.statement === target.statement : u.data.table === target.table),
  );
  if (here.length === 0) return null;
  return (
    <ul class="mk-notes" data-testid="notes-unsent">
      {here.map((u) => (
        <li key={u.id} class="mk-note-unsent">
          <span>{String(u.data.text ?? '')}</span>
          <span class="mk-error">
            <Pictogram name="warning" size={18} /> {t('p.unsent.note', { why: unsentReason(u.code) })}
          </span>
          <Button small onClick={() => unsent.dismiss(u.id)}>
            {t('p.unsent.dismiss')}
          </Button>
        </li>
      ))}
    </ul>
  );
}

/** A note on a statement (the tablet's) or a comment (the forum's): the button that opens the
 *  form, then the form; once sent or cancelled, the focus goes back to the button. */
export function AddNote(props: { ctx: Ctx; statement: string; open: boolean; idPrefix: string; label: string }) {
  const [writing, setWriting] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  if (!props.open) return null;
  return writing ? (
    <NoteForm
      ctx={props.ctx}
      target={{ statement: props.statement }}
      onDone={() => {
        setWriting(false);
        setTimeout(() => button.current?.focus(), 0); // the form that had the focus is gone
      }}
      idPrefix={props.idPrefix}
    />
  ) : (
    <button type="button" ref={button} class="mk-btn mk-btn-ghost mk-btn-small" onClick={() => setWriting(true)}>
      <Pictogram name="note" size={20} /> <span>{props.label}</span>
    </button>
  );
}
