/**
 * Entry of /p/{session_id}: read the session's public face (its join code), then connect as a
 * read-only projector (hello with the code and view "projector").
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../ui/styles.css';
import './projector.css';
import { sessionIdFromLocation } from '../address';
import { Connection } from '../protocol';
import { LangSwitch, errorText, t, useLang } from '../i18n';
import { Projector, type SessionInfo } from './Projector';

type Loaded = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; info: SessionInfo; conn: Connection };

function App({ sessionId }: { sessionId: string | null }) {
  useLang();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [stopped, setStopped] = useState<number | null>(null);
  useEffect(() => {
    if (!sessionId) {
      setLoaded({ kind: 'error', message: t('projector.no_session') });
      return;
    }
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}`);
        const body = await response.json().catch(() => null);
        if (cancelled) return;
        if (!response.ok) {
          setLoaded({ kind: 'error', message: errorText(body?.code ?? 'not_found', body?.message) });
          return;
        }
        const info = body as SessionInfo;
        const conn = new Connection({
          sessionId,
          hello: () => ({ code: info.code, view: 'projector' }),
          storageKey: `metrokawa:outbox:projector:${sessionId}`,
        });
        conn.onClose((code, fatal) => {
          if (fatal) setStopped(code);
        });
        conn.start();
        setLoaded({ kind: 'ready', info, conn });
      } catch {
        if (cancelled) return;
        // The server may be restarting: try again, the room is waiting.
        setLoaded({ kind: 'error', message: t('error.network') });
        retry = setTimeout(load, 3000);
      }
    };
    load();
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
    };
  }, [sessionId]);

  if (loaded.kind === 'ready') {
    return (
      <>
        {stopped !== null && (
          <p class="mk-proj-alert" role="alert">{errorText(`closed_${stopped}`)}</p>
        )}
        <Projector conn={loaded.conn} info={loaded.info} />
      </>
    );
  }
  return (
    <div class="mk-projector">
      <a class="mk-skip" href="#main">{t('projector.skip')}</a>
      <header class="mk-proj-header">
        <h1>{t('projector.title')}</h1>
        <div class="mk-proj-tools"><LangSwitch /></div>
      </header>
      <main id="main" class="mk-proj-main" tabIndex={-1}>
        <p class="mk-proj-message" role={loaded.kind === 'error' ? 'alert' : 'status'}>
          {loaded.kind === 'error' ? loaded.message : t('projector.loading')}
        </p>
      </main>
    </div>
  );
}

render(<App sessionId={sessionIdFromLocation(location)} />, document.getElementById('app')!);
