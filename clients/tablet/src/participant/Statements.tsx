/** The published statements, each with the position scale (my value pressed; while not yet
 *  acknowledged it shows at once, marked "en attente d'envoi"; refused after waiting, it is said
 *  not recorded) and its notes. */
import { quoted, t } from '../i18n';
import { positionKey, positionOf, publishedStatements, type PositionValue, type StatementView } from '../state';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { PositionScale } from '../ui/PositionScale';
import { ProvenanceLine } from '../ui/Provenance';
import type { Ctx } from './ctx';
import { AddNote, NoteList, UnsentNotes } from './NoteForm';
import { unsentReason } from './unsent';
import { WritingHint } from './writing';

export function StatementList({ ctx }: { ctx: Ctx }) {
  const { s, writing } = ctx;
  const list = publishedStatements(s).reverse(); // newest first
  const open = writing === 'open';
  return (
    <section class="mk-card" aria-labelledby="statements-title">
      <h2 id="statements-title">
        <Pictogram name="chart" /> {t('p.statements.title')}
        {list.length > 0 && <span class="mk-muted"> ({list.length})</span>}
      </h2>
      {!open && list.length > 0 && (writing === 'time_up' ? <WritingHint writing={writing} /> : <p class="mk-hint">{t('p.statements.closed_hint')}</p>)}
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
  const { conn, s, me, pending, unsent } = ctx;
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
  const refused = unsent.list.find((u) => u.type === 'TakePosition' && u.data.statement === st.id);
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
      <ProvenanceLine st={st} />
      <PositionScale
        statement={st.id}
        value={value}
        pending={isPending}
        disabled={!open}
        label={t('p.statements.your_view', { text: truncate(st.text ?? '', 60) })}
        onChoose={(v) => {
          announce(t('p.statements.chosen', { value: t(`position.${positionKey(v)}`) }));
          // A refusal is kept and shown below (unsent.ts), also after a reload.
          conn.send('TakePosition', { statement: st.id, value: v }).catch(() => undefined);
        }}
      />
      {refused && !isPending && (
        <p class="mk-error" data-testid="position-unsent">
          <Pictogram name="warning" size={20} />{' '}
          {t('p.unsent.position', {
            value: quoted(t(`position.${positionKey((refused.data.value as PositionValue) ?? null)}`)),
            why: unsentReason(refused.code),
          })}
        </p>
      )}
      {notes.length > 0 && (
        <details class="mk-notes-details">
          <summary>{t('p.note.count', { n: notes.length })}</summary>
          <NoteList s={s} notes={notes} />
        </details>
      )}
      <UnsentNotes ctx={ctx} target={{ statement: st.id }} />
      <AddNote ctx={ctx} statement={st.id} open={open} idPrefix={`note-${st.id}`} label={t('p.note.add')} />
    </li>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
