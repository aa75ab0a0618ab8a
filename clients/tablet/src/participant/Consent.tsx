/** The consent round on the tablet: the proposal's current wording, the objections the room has
 *  raised (their text, without author), and « Je fais une objection » (RaiseObjection, 1,000
 *  characters, the draft survives a reload). Then the vœux the room adopted. What changes (a new
 *  wording, a vœu, a round abandoned) is said in the live region. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import type { Ack, Refusal } from '../protocol';
import { objectionsOf, openConsent, voeuxInOrder, type ConsentView, type SessionView } from '../state';
import { Button } from '../ui/Button';
import { Explain } from '../ui/Explain';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { TextBox } from './TextBox';
import { useDraft } from './storage';

const MAX = 1000;

/** Follows the consent rounds: claims the user's own objections from their acks and announces
 *  what changes. Renders the open round, if any, and the adopted vœux. */
export function ConsentRounds({ ctx }: { ctx: Ctx }) {
  const { conn, s, me } = ctx;
  const consent = openConsent(s);
  useEffect(
    () =>
      conn.onResult((cmd, result: Ack | Refusal) => {
        if (cmd.type === 'RaiseObjection' && 'seq' in result) conn.store.claimObjection(result.seq, me);
      }),
    [conn, me],
  );
  useAnnouncements(s);
  return (
    <>
      {consent && <ConsentCard key={consent.id} ctx={ctx} consent={consent} />}
      {/* « vœu » is explained once: in the open round's card, else by the list. */}
      <VoeuList s={s} explain={!consent} />
    </>
  );
}

/** Announce a round opening, a new wording, a vœu adopted, a round abandoned — only changes seen
 *  while the page is open, not what the snapshot already held. */
function useAnnouncements(s: SessionView) {
  const seen = useRef<Map<string, string> | null>(null);
  useEffect(() => {
    const now = new Map(Object.values(s.consents).map((c) => [c.id, `${c.status}|${c.text}`]));
    const before = seen.current;
    seen.current = now;
    if (!before) return;
    for (const c of Object.values(s.consents)) {
      const was = before.get(c.id);
      if (was === `${c.status}|${c.text}`) continue;
      if (!was) announce(t('p.consent.opened'));
      else if (c.status === 'adopted') announce(t('p.voeu.adopted', { text: c.text }));
      else if (c.status === 'abandoned') announce(t('p.consent.abandoned'));
      else announce(t('p.consent.changed_to', { text: c.text }));
    }
  });
}

function ConsentCard({ ctx, consent }: { ctx: Ctx; consent: ConsentView }) {
  const { conn, s, me, sessionId, pending } = ctx;
  const [text, setText, clearText] = useDraft(sessionId, `objection:${consent.id}`);
  const textRef = useRef(text);
  textRef.current = text;
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const objections = objectionsOf(s, consent.id);
  const original = s.proposals[consent.proposal]?.text;
  const changed = original != null && original !== consent.text;
  const queued = pending.filter((c) => c.type === 'RaiseObjection' && c.data.consent === consent.id);

  function fail(message: string) {
    setError(message);
    announce(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    const clean = text.trim();
    if (!clean) return fail(t('p.consent.empty'));
    if (clean.length > MAX) return fail(errorText('text_too_long'));
    setError(null);
    const online = conn.status === 'online';
    conn
      .send('RaiseObjection', { consent: consent.id, text: clean })
      .then(() => {
        setDone(t('p.consent.sent'));
        announce(t('p.consent.sent'));
      })
      .catch((r) => {
        setDone(null);
        setError(errorText(r.code, r.message));
        if (!textRef.current.trim()) setText(clean); // give the text back
      });
    clearText(); // queued with the command (kept across a reload): the draft can go
    setDone(online ? t('p.consent.sending') : t('common.queued'));
  }

  return (
    <section class="mk-card mk-consent-card" aria-labelledby="consent-title" data-testid="consent-card" data-consent-id={consent.id}>
      <div class="mk-heading-row">
        <h2 id="consent-title">
          <Pictogram name="users" /> {t('p.consent.title')}
        </h2>
        <Explain id="explain-consent" question={t('p.explain.consent.question')} text={t('p.explain.consent.text')} />
      </div>
      <div class="mk-heading-row">
        <p class="mk-consent-intro">{t('p.consent.intro')}</p>
        <Explain id="explain-voeu" question={t('p.explain.voeu.question')} text={t('p.explain.voeu.text')} />
      </div>
      <h3 class="mk-consent-label">{t('p.consent.wording')}</h3>
      <p class="mk-statement-text mk-consent-wording" data-testid="consent-wording">
        {consent.text}
      </p>
      {changed && (
        <p class="mk-chip mk-consent-changed" data-testid="consent-changed">
          <Pictogram name="pencil" size={16} /> {t('p.consent.changed')}
        </p>
      )}
      <div class="mk-heading-row">
        <h3 class="mk-consent-label">{t('p.consent.objections', { n: objections.length })}</h3>
        <Explain id="explain-objection" question={t('p.explain.objection.question')} text={t('p.explain.objection.text')} />
      </div>
      {objections.length === 0 ? (
        <p class="mk-muted">{t('p.consent.no_objection')}</p>
      ) : (
        <ol class="mk-objections" data-testid="objection-list">
          {objections.map((o) => {
            const status = o.resolution ?? 'pending';
            return (
              <li key={o.id} data-objection-id={o.id} data-status={status}>
                <p class="mk-objection-text">{o.text}</p>
                <p class="mk-objection-meta">
                  <span class={`mk-chip mk-objection-${status}`}>
                    <Pictogram name={status === 'pending' ? 'hourglass' : 'check'} size={16} /> {t(`objection.${status}`)}
                  </span>
                  {o.author === me && <span class="mk-chip mk-chip-me">{t('p.consent.yours')}</span>}
                </p>
              </li>
            );
          })}
        </ol>
      )}
      <form onSubmit={submit} aria-labelledby="objection-form-title" data-testid="objection-form" noValidate>
        <h3 id="objection-form-title">{t('p.consent.form')}</h3>
        <TextBox
          id="objection-input"
          testId="objection-input"
          label={t('p.consent.label')}
          hint={t('p.consent.hint')}
          value={text}
          max={MAX}
          rows={4}
          error={error}
          disabled={s.closed}
          onInput={(v) => {
            setText(v);
            setDone(null);
          }}
        />
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send" disabled={s.closed}>
            {t('p.consent.submit')}
          </Button>
          {(done || queued.length > 0) && (
            <p class={queued.length ? 'mk-pending-note' : 'mk-ok'} data-testid="objection-status">
              {queued.length ? (
                <>
                  <Pictogram name="hourglass" size={18} /> {t('position.pending')}
                </>
              ) : (
                done
              )}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}

function VoeuList({ s, explain }: { s: SessionView; explain: boolean }) {
  const voeux = voeuxInOrder(s).reverse(); // the newest first
  if (voeux.length === 0) return null;
  return (
    <section class="mk-card mk-voeux-card" aria-labelledby="voeux-title" data-testid="voeux">
      <div class="mk-heading-row">
        <h2 id="voeux-title">
          <Pictogram name="star" /> {t('p.voeux.title')}
        </h2>
        {explain && <Explain id="explain-voeu" question={t('p.explain.voeu.question')} text={t('p.explain.voeu.text')} />}
      </div>
      <ol class="mk-voeux">
        {voeux.map((v) => (
          <li key={v.id} data-voeu-id={v.id}>
            <p class="mk-statement-text">{v.text}</p>
            <p class="mk-muted">{t('voeu.outcome')}</p>
            <p class="mk-voeu-outcome">{v.outcome}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
