/** Write a statement (problem or idea, 280 characters; the draft survives a reload) and follow
 *  my own statements: waiting to be sent, waiting for moderation, published, set aside, or not
 *  sent at all (refused after waiting offline: the text is kept, marked « non envoyé »). */
import { useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import { idNumber, type SessionView } from '../state';
import { Button } from '../ui/Button';
import { Explain } from '../ui/Explain';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { TextBox } from './TextBox';
import { useDraft } from './storage';
import { unsentReason } from './unsent';
import { WritingHint } from './writing';

const MAX = 280;

/** Where the last statement sent from this form is: on its way, or at the server (by the seq
 *  of its ack, which names the statement once the state holds it). */
type Sent = { kind: 'sending' } | { kind: 'queued' } | { kind: 'stored'; seq: number };

export function Compose({ ctx }: { ctx: Ctx }) {
  const { conn, s, sessionId, writing } = ctx;
  const [text, setText, clearText] = useDraft(sessionId, 'statement');
  const [kind, setKind] = useDraft(sessionId, 'statement-kind', 'problem');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const open = writing === 'open';

  function fail(message: string) {
    setError(message);
    announce(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    if (!open) return;
    const clean = text.trim();
    if (!clean) return fail(t('p.compose.empty'));
    if (clean.length > MAX) return fail(errorText('text_too_long'));
    setError(null);
    const online = conn.status === 'online';
    conn
      .send('ProposeStatement', { text: clean, kind: kind === 'idea' ? 'idea' : 'problem' })
      .then((ack) => {
        setSent({ kind: 'stored', seq: ack.seq });
        announce(t('p.compose.sent'));
      })
      .catch(() => setSent(null)); // kept in « Mes énoncés », marked « non envoyé » (unsent.ts)
    // Queued (persisted with the command): the draft can go.
    clearText();
    setSent({ kind: online ? 'sending' : 'queued' });
  }

  const status = sentStatus(sent, s);
  return (
    <section class="mk-card" aria-labelledby="compose-title">
      <div class="mk-heading-row">
        <h2 id="compose-title">
          <Pictogram name="pencil" /> {t('p.compose.title')}
        </h2>
        <Explain id="explain-statement" question={t('p.explain.statement.question')} text={t('p.explain.statement.text')} />
      </div>
      <form onSubmit={submit} noValidate>
        <KindChoice name="statement-kind" kind={kind} onChange={setKind} />
        <TextBox
          id="statement-input"
          testId="statement-input"
          label={t('p.compose.label')}
          hint={t('p.compose.hint')}
          value={text}
          max={MAX}
          rows={3}
          error={error}
          onInput={(v) => {
            setText(v);
            setSent(null);
            if (error) setError(null);
          }}
        />
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send" unavailable={!open}>
            {t('p.compose.submit')}
          </Button>
          {status && (
            <p class={status.published ? 'mk-ok' : 'mk-hint'} data-testid="compose-status">
              <Pictogram name={status.published ? 'check' : 'hourglass'} size={20} /> {status.text}
            </p>
          )}
        </div>
        {!open && <WritingHint writing={writing} />}
      </form>
    </section>
  );
}

/** The line under the button: sending, kept for later, waiting for review — and once the
 *  statement is published (or set aside), that, not « waiting » any more. */
function sentStatus(sent: Sent | null, s: SessionView): { text: string; published: boolean } | null {
  if (!sent) return null;
  if (sent.kind === 'sending') return { text: t('p.compose.sending'), published: false };
  if (sent.kind === 'queued') return { text: t('common.queued'), published: false };
  const st = Object.values(s.statements).find((x) => x.proposed_seq === sent.seq);
  const status = st?.status ?? 'proposed';
  if (status === 'proposed') return { text: t('p.compose.sent'), published: false };
  if (status === 'published') return { text: t('p.compose.published'), published: true };
  return { text: t(`p.mine.${status}`), published: false };
}

/** My statements; `title` names them otherwise (a forum's « Mes contributions »). */
/** Problem or idea: two radios, each with its pictogram, shape and colour (the live tablet's
 *  and the forum's « Proposer »). */
export function KindChoice(props: { name: string; kind: string; onChange: (kind: 'problem' | 'idea') => void }) {
  return (
    <fieldset>
      <legend>{t('p.compose.kind')}</legend>
      <div class="mk-row mk-kind-choice">
        {(['problem', 'idea'] as const).map((k) => (
          <label class="mk-choice" key={k}>
            <input type="radio" name={props.name} value={k} checked={props.kind === k} onChange={() => props.onChange(k)} />
            <span class={`mk-kind mk-kind-${k}`}>
              <Pictogram name={k} /> {t(`kind.${k}`)}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function MyStatements({ ctx, title }: { ctx: Ctx; title?: string }) {
  const { s, me, pending, unsent } = ctx;
  const queued = pending.filter((c) => c.type === 'ProposeStatement');
  const refused = unsent.list.filter((u) => u.type === 'ProposeStatement');
  const mine = Object.values(s.statements)
    .filter((x) => x.author === me)
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
  if (!queued.length && !mine.length && !refused.length) return null;
  return (
    <section class="mk-card" aria-labelledby="mine-title">
      <h2 id="mine-title">
        <Pictogram name="user" /> {title ?? t('p.mine.title')}
      </h2>
      <ul class="mk-list" data-testid="my-statements">
        {refused.map((u) => (
          <li key={u.id} class="mk-mine mk-mine-unsent" data-unsent="true">
            <p class="mk-statement-text">{String(u.data.text ?? '')}</p>
            <p class="mk-error">
              <Pictogram name="warning" size={18} /> {t('p.unsent.statement', { why: unsentReason(u.code) })}
            </p>
            <Button small onClick={() => unsent.dismiss(u.id)}>
              {t('p.unsent.dismiss')}
            </Button>
          </li>
        ))}
        {queued.map((c) => (
          <li key={c.id} class="mk-mine mk-mine-queued" data-pending="true">
            <p class="mk-statement-text">{String(c.data.text ?? '')}</p>
            <p class="mk-pending-note">
              <Pictogram name="hourglass" size={16} /> {t('position.pending')}
            </p>
          </li>
        ))}
        {mine.map((x) => (
          <li key={x.id} class={`mk-mine mk-mine-${x.status}`} data-statement-id={x.id}>
            <span class={`mk-kind mk-kind-${x.kind ?? 'problem'}`}>
              <Pictogram name={x.kind ?? 'problem'} size={18} /> {t(`kind.${x.kind ?? 'problem'}`)}
            </span>
            <p class="mk-statement-text">{x.text}</p>
            <p class="mk-muted">
              <Pictogram name={x.status === 'published' ? 'check' : x.status === 'proposed' ? 'hourglass' : 'eye-off'} size={16} /> {t(`p.mine.${x.status}`)}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
