/**
 * Entry of /f/{session_id}#token=…: take the token out of the address bar (kept in this tab's
 * sessionStorage), connect as the facilitator, render the console.
 */
import { render } from 'preact';
import '../ui/styles.css';
import './console.css';
import { sessionIdFromLocation, tokenFromHash } from '../address';
import { Connection } from '../protocol';
import { LangSwitch, t, useLang } from '../i18n';
import { Console } from './Console';

const TOKEN_KEY = (id: string) => `metrokawa:facilitator:${id}`;

/** The facilitator token: from the fragment (then remembered and removed from the address bar),
 *  else from this tab's sessionStorage. */
function takeToken(sessionId: string): string | null {
  const fromHash = tokenFromHash(location.hash);
  let store: Storage | null = null;
  try {
    store = sessionStorage;
  } catch {
    store = null;
  }
  if (fromHash) {
    try {
      store?.setItem(TOKEN_KEY(sessionId), fromHash);
    } catch {
      /* private mode: keep it in memory only */
    }
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromHash;
  }
  try {
    return store?.getItem(TOKEN_KEY(sessionId)) ?? null;
  } catch {
    return null;
  }
}

function Problem({ messageKey }: { messageKey: string }) {
  useLang();
  return (
    <div class="mk-console">
      <header class="mk-console-header">
        <h1>{t('console.kicker')}</h1>
        <LangSwitch />
      </header>
      <main id="main">
        <p class="mk-notice mk-error" role="alert"><span aria-hidden="true">⚠ </span>{t(messageKey)}</p>
      </main>
    </div>
  );
}

const root = document.getElementById('app')!;
const sessionId = sessionIdFromLocation(location);
const token = sessionId ? takeToken(sessionId) : null;

if (!sessionId) {
  render(<Problem messageKey="console.no_session" />, root);
} else if (!token) {
  render(<Problem messageKey="console.no_token" />, root);
} else {
  const conn = new Connection({
    sessionId,
    hello: () => ({ token }),
    storageKey: `metrokawa:outbox:facilitator:${sessionId}`,
  });
  conn.start();
  render(<Console conn={conn} sessionId={sessionId} token={token} />, root);
}
