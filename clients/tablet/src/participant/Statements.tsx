/** The published statements, each with the position scale (my value pressed; while not yet
 *  acknowledged it shows at once, marked "en attente d'envoi") and its notes. */
import { useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import { isWritingOpen, positionOf, publishedStatements, type PositionValue, type StatementView } from '../state';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { PositionScale } from '../ui/PositionScale';
import { NoteForm, NoteList } from './NoteForm';
import type { Ctx } from './ctx';

export function StatementList({ ctx }: { ctx: Ctx }) {
  const { s } = ctx;
  const list = publishedStatements(s).reverse(); // newest first
  const open = isWritingOpen(s);
  return (
    <section class="mk-card" aria-labelledby="statements-title">
      <h2 id="statements-title">
        <Pictogram name="chart" /> {t('p.statements.title')}
        {list.length > 0 && <span class="mk-muted"> ({list.length})</span>}
      </h2>
      {!open && list.length > 0 && <p class="mk-hint">{t('p.statements.closed_hint')}</p>}
      {list.length === 0 ? (
        <p class="mk-muted">{t('p.statements.none')}</p>
      ) : (
        <ul class="mk-list mk-statements" data-testid="statement-list">
          {list.map((st) => (
            <StatementItem key={st.id} ctx={ctx} st={st} open={open} />
          ))}
        </ul>
      )}
    </section>
  );
}

function StatementItem({ ctx, st, open }: { ctx: Ctx; st: StatementView; open: boolean }) {
  const { conn, s, me, pending } = ctx;
  const [noting, setNoting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The last queued position counts (optimistic); else the acknowledged one.
  let value: PositionValue | undefined = positionOf(s, me, st.id);
  let isPending = false;
  for (const c of pending) {
    if (c.type === 'TakePosition' && c.data.statement === st.id) {
      value = (c.data.value as PositionValue) ?? null;
      isPending = true;
    }
  }
  const notes = s.annotations.filter((a) => a.statement === st.id);
  const kind = st.kind ?? 'problem';
  const headingId = `st-${st.id}`;
  return (
    <li class="mk-statement" data-statement-id={st.id} aria-labelledby={headingId}>
      <span class={`mk-kind mk-kind-${kind}`}>
        <Pictogram name={kind} size={18} /> {t(`kind.${kind}`)}
      </span>
      <h3 id={headingId} class="mk-statement-text">
        {st.text}
      </h3>
      <PositionScale
        statement={st.id}
        value={value}
        pending={isPending}
        disabled={!open}
        label={t('p.statements.your_view', { text: truncate(st.text ?? '', 60) })}
        onChoose={(v) => {
          setError(null);
          announce(t('p.statements.chosen', { value: t(`position.${v == null ? 'pass' : v}`) }));
          conn.send('TakePosition', { statement: st.id, value: v }).catch((r) => setError(errorText(r.code, r.message)));
        }}
      />
      {error && (
        <p class="mk-error" role="alert">
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
      {notes.length > 0 && (
        <details class="mk-notes-details">
          <summary>{t('p.note.count', { n: notes.length })}</summary>
          <NoteList s={s} notes={notes} />
        </details>
      )}
      {noting ? (
        <NoteForm ctx={ctx} target={{ statement: st.id }} onDone={() => setNoting(false)} idPrefix={`note-${st.id}`} />
      ) : (
        open && (
          <button type="button" class="mk-btn mk-btn-ghost mk-btn-small" onClick={() => setNoting(true)}>
            <Pictogram name="note" size={20} /> <span>{t('p.note.add')}</span>
          </button>
        )
      )}
    </li>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
