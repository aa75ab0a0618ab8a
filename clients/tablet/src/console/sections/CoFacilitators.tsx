/** The co-facilitation section: give someone a console link of their own (shown once, to copy),
 *  list the links given, revoke one. Only the session's facilitator manages them (the server
 *  refuses a co-facilitator); a co-facilitator sees the list and why there are no buttons. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection } from '../../protocol';
import { t } from '../../i18n';
import { idNumber, type CoFacilitatorView, type SessionView } from '../../state';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, refusalText, type Notice } from '../kit';

const MAX_LABEL = 40;

interface Given {
  label: string;
  link: string;
}

export function CoFacilitators(props: { view: SessionView; conn: Connection; sessionId: string; onNotice: (n: Notice) => void }) {
  const { view, conn, sessionId, onNotice } = props;
  const owner = useWho(conn) === 'facilitator';
  const base = usePublicBase(sessionId);
  const [given, setGiven] = useState<Given | null>(null);
  const links = Object.values(view.cofacilitators).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const say = (kind: Notice['kind'], text: string) => onNotice({ kind, text, at: Date.now() });
  const add = (label: string) =>
    conn.send('AddCoFacilitator', { label }).then(
      (ack) => {
        setGiven({ label, link: `${base}/f/${encodeURIComponent(sessionId)}#token=${ack.token ?? ''}` });
        say('ok', t('console.done.cofac_added', { label }));
      },
      (refusal: unknown) => say('error', refusalText(refusal)),
    );
  const revoke = (link: CoFacilitatorView) =>
    conn.send('RevokeCoFacilitator', { cofacilitator: link.id }).then(
      () => say('ok', t('console.done.cofac_revoked', { label: labelOf(link) })),
      (refusal: unknown) => say('error', refusalText(refusal)),
    );
  return (
    <Section id="cofacilitators" title={t('console.nav.cofacilitators')} testid="cofacilitators-section">
      <p>{t('console.cofac.intro')}</p>
      {owner ? <AddForm onAdd={add} /> : <p class="mk-notice"><Pictogram name="info" size={20} /> {t('console.cofac.you_are')}</p>}
      {given && <GivenLink given={given} onDone={() => setGiven(null)} onCopied={(ok) => say(ok ? 'ok' : 'error', t(ok ? 'console.cofac.copied' : 'console.cofac.copy_failed'))} />}
      <h3>{t('console.cofac.list_title')}</h3>
      {links.length === 0 ? (
        <p>{t('console.cofac.none')}</p>
      ) : (
        <ul class="mk-list" data-testid="cofacilitator-list">
          {links.map((link) => (
            <li key={link.id} class="mk-card mk-cofac" data-cofacilitator={link.id} data-revoked={link.revoked ? 'true' : 'false'}>
              <p>
                <strong>{labelOf(link)}</strong>{' '}
                <span class={link.revoked ? 'mk-cofac-off' : 'mk-cofac-on'}>
                  <Pictogram name={link.revoked ? 'cross' : 'check'} size={18} /> {t(link.revoked ? 'console.cofac.revoked' : 'console.cofac.in_service')}
                </span>
              </p>
              {owner && !link.revoked && (
                <div class="mk-actions">
                  <Action variant="danger" onClick={() => void revoke(link)} reason={closedReason(view)} testid={`revoke-${link.id}`}>
                    <Pictogram name="cross" size={20} /> {t('console.cofac.revoke')}
                    <span class="mk-sr-only">{t('console.cofac.revoke_label', { label: labelOf(link) })}</span>
                  </Action>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function labelOf(link: CoFacilitatorView): string {
  if (link.label === 'Machine du serveur') return t('console.cofac.machine');
  return link.label ?? t('console.cofac.unnamed', { n: idNumber(link.id) });
}

function AddForm({ onAdd }: { onAdd: (label: string) => Promise<void> }) {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const clean = label.trim();
    if (!clean) return setError(t('console.cofac.label_empty'));
    if (clean.length > MAX_LABEL) return setError(t('console.cofac.label_long'));
    setError(null);
    void onAdd(clean).then(() => setLabel(''));
  };
  const described = error ? 'cofac-label-hint cofac-label-error' : 'cofac-label-hint';
  return (
    <form class="mk-field" onSubmit={submit} noValidate>
      <label for="cofac-label">{t('console.cofac.label')}</label>
      <p id="cofac-label-hint" class="mk-hint">{t('console.cofac.label_hint')}</p>
      <input
        id="cofac-label"
        type="text"
        maxLength={MAX_LABEL + 10}
        value={label}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
        onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)}
      />
      {error && <p id="cofac-label-error" class="mk-error"><Pictogram name="warning" size={18} /> {error}</p>}
      <div class="mk-actions">
        <button type="submit" class="mk-btn mk-btn-primary" data-testid="cofac-add">
          <Pictogram name="plus" size={20} /> {t('console.cofac.add')}
        </button>
      </div>
    </form>
  );
}

/** The new link, once: to copy and give. Focus goes to it, so that it is read out at once. */
function GivenLink({ given, onDone, onCopied }: { given: Given; onDone: () => void; onCopied: (ok: boolean) => void }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [given.link]);
  const copy = () => {
    const done = (ok: boolean) => onCopied(ok);
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(given.link).then(() => done(true), () => done(false));
    else done(false);
  };
  return (
    <div class="mk-card mk-cofac-given" role="group" aria-labelledby="cofac-given-title" data-testid="cofac-given">
      <h3 id="cofac-given-title">{t('console.cofac.given_title', { label: given.label })}</h3>
      <p><Pictogram name="warning" size={20} /> {t('console.cofac.given_once')}</p>
      <label for="cofac-link">{t('console.cofac.link_label')}</label>
      <input id="cofac-link" ref={field} type="text" readOnly value={given.link} data-testid="cofac-link" />
      <div class="mk-actions">
        <button type="button" class="mk-btn mk-btn-primary" onClick={copy}>
          <Pictogram name="download" size={20} /> {t('console.cofac.copy')}
        </button>
        <button type="button" class="mk-btn mk-btn-secondary" onClick={onDone}>
          <Pictogram name="check" size={20} /> {t('console.cofac.dismiss')}
        </button>
      </div>
    </div>
  );
}

/** Who this console is on the server (`facilitator`, or a co-facilitator's `cf1`…). */
function useWho(conn: Connection): string | null {
  const [who, setWho] = useState<string | null>(conn.welcome?.you ?? null);
  useEffect(() => conn.onWelcome((w) => setWho(w.you)), [conn]);
  return who;
}

/** The server's public address, as it makes every link (issue 12: --public-url, serve --room);
 *  the table tablets' links (./NoPhone.tsx) use it too. */
export function usePublicBase(sessionId: string): string {
  const [base, setBase] = useState(location.origin);
  useEffect(() => {
    if (!sessionId) return undefined; // not known yet (before the welcome): no request for nothing
    let alive = true;
    fetch(`/api/sessions/${encodeURIComponent(sessionId)}`)
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        const projector: string | undefined = body?.links?.projector;
        if (alive && projector) setBase(projector.replace(/\/p\/[^/]+$/, ''));
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [sessionId]);
  return base;
}
