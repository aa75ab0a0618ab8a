/** One published contribution of the forum: kind, text, where it comes from, the room's counts,
 *  my rating (the live tablet's scale: pressed at once, marked « en attente d'envoi » until
 *  acknowledged, said « non enregistré » when refused) and the comments. */
import { plural, quoted, t } from '../../i18n';
import { positionKey, positionOf, type AnnotationView, type PositionValue, type SessionView, type StatementView } from '../../state';
import { announce } from '../../ui/Live';
import { Pictogram } from '../../ui/Pictogram';
import { PositionScale } from '../../ui/PositionScale';
import type { Ctx } from '../ctx';
import { AddNote, UnsentNotes } from '../NoteForm';
import { unsentReason } from '../unsent';
import { markerStyle, roomCounts } from './model';

export function ForumItem({ ctx, st }: { ctx: Ctx; st: StatementView }) {
  const { conn, s, me, pending, unsent, writing } = ctx;
  const open = writing === 'open';
  let value: PositionValue | undefined = positionOf(s, me, st.id);
  let isPending = false;
  for (const c of pending) {
    if (c.type === 'TakePosition' && c.data.statement === st.id) {
      value = (c.data.value as PositionValue) ?? null;
      isPending = true;
    }
  }
  const refused = unsent.list.find((u) => u.type === 'TakePosition' && u.data.statement === st.id);
  const comments = s.annotations.filter((a) => a.statement === st.id);
  const kind = st.kind ?? 'problem';
  const headingId = `st-${st.id}`;
  return (
    <li class={`mk-statement mk-forum-item mk-forum-${kind}`} data-statement-id={st.id} data-kind={kind} aria-labelledby={headingId}>
      <span class={`mk-kind mk-kind-${kind}`}>
        <span class="mk-kind-shape" aria-hidden="true" dangerouslySetInnerHTML={{ __html: markerStyle(kind).svg }} />
        <Pictogram name={kind} size={18} /> {t(`kind.${kind}`)}
      </span>
      <h3 id={headingId} class="mk-statement-text" tabIndex={-1}>
        {st.text}
      </h3>
      <Origin s={s} st={st} />
      <Counts s={s} st={st} />
      <PositionScale
        statement={st.id}
        value={value}
        pending={isPending}
        disabled={!open}
        label={t('forum.rate', { text: truncate(st.text ?? '', 60) })}
        onChoose={(v) => {
          announce(t('p.statements.chosen', { value: t(`position.${positionKey(v)}`) }));
          conn.send('TakePosition', { statement: st.id, value: v }).catch(() => undefined); // kept by unsent.ts
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
      <div class="mk-forum-comments">
        <h4 class="mk-forum-comments-title">{plural('forum.comments.count', comments.length)}</h4>
        {comments.length > 0 && <CommentList s={s} me={me} comments={comments} />}
        <UnsentNotes ctx={ctx} target={{ statement: st.id }} />
        <AddNote ctx={ctx} statement={st.id} open={open} idPrefix={`comment-${st.id}`} label={t('forum.comments.add')} />
      </div>
    </li>
  );
}

/** The comments already posted. A forum's roster is not public (a join reaches no one else):
 *  a comment is signed by its author's pseudonym when this device knows it, « vous » for mine,
 *  else by no name. */
function CommentList({ s, me, comments }: { s: SessionView; me: string; comments: AnnotationView[] }) {
  return (
    <ul class="mk-notes" data-testid="item-comments">
      {comments.map((a) => (
        <li key={a.id}>
          <span class="mk-note-author">{a.author === me ? t('forum.comments.you') : (s.participants[a.author]?.pseudonym ?? t('forum.comments.someone'))}</span> {a.text}
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

/** Territory · theme · address, each said with its pictogram, none when unknown. */
function Origin({ s, st }: { s: SessionView; st: StatementView }) {
  const territory = st.territory ? (s.territories[st.territory]?.name ?? st.territory) : null;
  const address = st.place?.address ?? null;
  const onMap = st.place?.lat != null;
  if (!territory && !st.theme && !address && !onMap) return null;
  return (
    <ul class="mk-forum-origin">
      {territory && (
        <li data-testid="item-territory">
          <Pictogram name="users" size={18} /> <span class="mk-sr-only">{t('forum.item.territory')}</span>
          {territory}
        </li>
      )}
      {st.theme && (
        <li data-testid="item-theme">
          <Pictogram name="note" size={18} /> <span class="mk-sr-only">{t('forum.item.theme')}</span>
          {st.theme}
        </li>
      )}
      {address && (
        <li data-testid="item-address">
          <Pictogram name="pin" size={18} /> <span class="mk-sr-only">{t('forum.item.address')}</span>
          {address}
        </li>
      )}
      {onMap && !address && (
        <li data-testid="item-point">
          <Pictogram name="pin" size={18} /> {t('forum.item.on_map')}
        </li>
      )}
    </ul>
  );
}

/** The room's counts from the tallies frame: shown when published there, hidden under k. */
function Counts({ s, st }: { s: SessionView; st: StatementView }) {
  const counts = roomCounts(s.tallies, st.id);
  if (counts == null) return null;
  if (counts.hidden) {
    return (
      <p class="mk-muted" data-testid="item-counts">
        {t('forum.counts.hidden', { k: s.tallies?.k_anonymity ?? 5 })}
      </p>
    );
  }
  return (
    <p class="mk-forum-counts" data-testid="item-counts">
      {plural('forum.counts.voters', counts.voters)} · {plural('forum.counts.for', counts.for)} · {plural('forum.counts.against', counts.against)} ·{' '}
      {plural('forum.counts.neutral', counts.neutral)} · {plural('forum.counts.passes', counts.passes)}
    </p>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
