/** Write a statement (problem or idea, 280 characters; the draft survives a reload) and follow
 *  my own statements: waiting to be sent, waiting for moderation, published, set aside. */
import { useRef, useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import { idNumber, isWritingOpen } from '../state';
import { Button } from '../ui/Button';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { TextBox } from './TextBox';
import { useDraft } from './storage';

const MAX = 280;

export function Compose({ ctx }: { ctx: Ctx }) {
  const { conn, s, sessionId } = ctx;
  const [text, setText, clearText] = useDraft(sessionId, 'statement');
  const [kind, setKind] = useDraft(sessionId, 'statement-kind', 'problem');
  const textRef = useRef(text);
  textRef.current = text;
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = isWritingOpen(s);

  function submit(e: Event) {
    e.preventDefault();
    const clean = text.trim();
    if (!clean) return setError(t('p.compose.empty'));
    if (clean.length > MAX) return setError(errorText('text_too_long'));
    setError(null);
    const online = conn.status === 'online';
    conn
      .send('ProposeStatement', { text: clean, kind: kind === 'idea' ? 'idea' : 'problem' })
      .then(() => {
        setDone(t('p.compose.sent'));
        announce(t('p.compose.sent'));
      })
      .catch((r) => {
        setDone(null);
        setError(errorText(r.code, r.message));
        if (!textRef.current.trim()) setText(clean); // give the text back
      });
    // Queued (persisted with the command): the draft can go.
    clearText();
    setDone(online ? t('p.compose.sending') : t('common.queued'));
  }

  return (
    <section class="mk-card" aria-labelledby="compose-title">
      <h2 id="compose-title">
        <Pictogram name="pencil" /> {t('p.compose.title')}
      </h2>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('p.compose.kind')}</legend>
          <div class="mk-row mk-kind-choice">
            {(['problem', 'idea'] as const).map((k) => (
              <label class="mk-choice" key={k}>
                <input type="radio" name="statement-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                <span class={`mk-kind mk-kind-${k}`}>
                  <Pictogram name={k} /> {t(`kind.${k}`)}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
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
            setDone(null);
          }}
        />
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send" disabled={!open}>
            {t('p.compose.submit')}
          </Button>
          {done && (
            <p class="mk-ok" role="status">
              <Pictogram name="check" size={20} /> {done}
            </p>
          )}
        </div>
        {!open && <p class="mk-hint">{t('p.round_closed_hint')}</p>}
      </form>
    </section>
  );
}

export function MyStatements({ ctx }: { ctx: Ctx }) {
  const { s, me, pending } = ctx;
  const queued = pending.filter((c) => c.type === 'ProposeStatement');
  const mine = Object.values(s.statements)
    .filter((x) => x.author === me)
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
  if (!queued.length && !mine.length) return null;
  return (
    <section class="mk-card" aria-labelledby="mine-title">
      <h2 id="mine-title">
        <Pictogram name="user" /> {t('p.mine.title')}
      </h2>
      <ul class="mk-list" data-testid="my-statements">
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
