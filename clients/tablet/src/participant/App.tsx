/**
 * /j/{code} (and /j, to type a code): find the session behind the code (GET /api/codes/{code},
 * cached for offline reloads), then say at once when it is over, else show the join form or,
 * when this device holds a participant token for the session, the tablet view. Each of these
 * states has its own document title. The page's one live region is here, around all of them.
 * /t/{code}/{table} is a table's shared tablet (./table/TableTablet.tsx), a mode of this page.
 */
import { useEffect, useState } from 'preact/hooks';
import { codeFromLocation } from '../address';
import { LangSwitch, quoted, t, useLang } from '../i18n';
import { Button } from '../ui/Button';
import { CodeForm } from '../ui/CodeForm';
import { LiveRegion, announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { JoinForm } from './JoinForm';
import { Tablet } from './Tablet';
import { TableTabletApp, tableFromLocation } from './table/TableTablet';
import { cacheInfo, cachedInfo, loadIdentity, saveIdentity, type Identity, type SessionInfo } from './storage';

type Load =
  | { kind: 'loading' }
  | { kind: 'ready'; info: SessionInfo }
  | { kind: 'not_found' }
  | { kind: 'error'; message: string }
  | { kind: 'no_code' };

export function App() {
  const table = tableFromLocation(location); // /t/{code}/{table}: a table's shared tablet
  if (table) return <TableTabletApp code={table.code} table={table.table} />;
  return (
    <>
      <Participant />
      <LiveRegion />
    </>
  );
}

function Participant() {
  const language = useLang();
  const code = codeFromLocation(location);
  const [load, setLoad] = useState<Load>(() => {
    if (!code) return { kind: 'no_code' };
    const cached = cachedInfo(code);
    return cached ? { kind: 'ready', info: cached } : { kind: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);
  const [identity, setIdentity] = useState<Identity | null>(() => (load.kind === 'ready' ? loadIdentity(load.info.id) : null));
  const [notice, setNotice] = useState<string | null>(null);
  const [justJoined, setJustJoined] = useState(false);

  useEffect(() => {
    if (!code) return;
    let cancelled = false;
    fetch(`/api/codes/${encodeURIComponent(code)}`, { headers: { Accept: 'application/json' } })
      .then(async (r) => {
        if (cancelled) return;
        if (r.status === 404) {
          setLoad({ kind: 'not_found' });
          return;
        }
        if (r.status === 429) {
          // Too many wrong codes from this network (a shared router counts for everyone on it).
          setLoad({ kind: 'error', message: t('p.code.too_many') });
          return;
        }
        if (!r.ok) throw new Error(String(r.status));
        const info = (await r.json()) as SessionInfo;
        cacheInfo(info);
        setLoad({ kind: 'ready', info });
        setIdentity(loadIdentity(info.id));
      })
      .catch(() => {
        if (cancelled) return;
        // Offline: the cached session (if any) is enough to reconnect with a stored token.
        setLoad((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: t('error.network') }));
      });
    return () => {
      cancelled = true;
    };
  }, [code, attempt]);

  const view = load.kind !== 'ready' ? load.kind : identity ? 'tablet' : load.info.closed ? 'closed' : 'join';
  const title = load.kind === 'ready' ? load.info.title : '';
  useEffect(() => {
    document.title = t('p.doc.title', { what: t(`p.doc.${view}`, { title: quoted(title) }) });
  }, [view, title, language]);

  if (load.kind === 'ready' && identity) {
    return (
      <Tablet
        info={load.info}
        identity={identity}
        focusOnLoad={justJoined}
        onForget={(message) => {
          announce(message);
          saveIdentity(load.info.id, null);
          setIdentity(null);
          setNotice(message);
        }}
      />
    );
  }

  return (
    <>
      <a class="mk-skip" href="#main">{t('p.skip')}</a>
      <header class="mk-header mk-tablet-header">
        <p class="mk-header-title">
          <Pictogram name="users" /> Métrokawa
        </p>
        <LangSwitch />
      </header>
      <main id="main" class="mk-main">
        {load.kind === 'ready' ? (
          load.info.closed ? (
            <section class="mk-card" data-testid="session-closed">
              <h1>{t('p.closed_join.title')}</h1>
              <p>
                <Pictogram name="info" /> {t('p.closed_join.text', { title: quoted(load.info.title) })}
              </p>
            </section>
          ) : (
            <>
              {notice && (
                <p class="mk-banner">
                  <Pictogram name="warning" /> {notice}
                </p>
              )}
              <JoinForm
                info={load.info}
                onJoined={(id) => {
                  saveIdentity(load.info.id, id);
                  setNotice(null);
                  setJustJoined(true);
                  setIdentity(id);
                }}
              />
            </>
          )
        ) : load.kind === 'loading' ? (
          <h1>{t('common.loading')}</h1>
        ) : load.kind === 'not_found' ? (
          <section class="mk-card">
            <h1>{t('p.not_found.title')}</h1>
            <p>{t('p.not_found.text', { code: code ?? '' })}</p>
            <CodeForm />
          </section>
        ) : load.kind === 'no_code' ? (
          <section class="mk-card">
            <h1>{t('p.code.title')}</h1>
            <CodeForm />
          </section>
        ) : (
          <section class="mk-card">
            <h1>{t('p.offline.title')}</h1>
            <p class="mk-error">
              <Pictogram name="warning" /> {load.message}
            </p>
            <Button variant="primary" icon="connecting" onClick={() => setAttempt((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          </section>
        )}
      </main>
    </>
  );
}
