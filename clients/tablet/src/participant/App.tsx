/**
 * /j/{code}: find the session behind the code (GET /api/codes/{code}, cached for offline
 * reloads), then either the join form or, when this device holds a participant token for the
 * session, the tablet view.
 */
import { useEffect, useState } from 'preact/hooks';
import { codeFromLocation } from '../address';
import { LangSwitch, errorText, t, useLang } from '../i18n';
import { Button } from '../ui/Button';
import { LiveRegion } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { JoinForm } from './JoinForm';
import { Tablet } from './Tablet';
import { cacheInfo, cachedInfo, loadIdentity, saveIdentity, type Identity, type SessionInfo } from './storage';

type Load = { kind: 'loading' } | { kind: 'ready'; info: SessionInfo } | { kind: 'not_found' } | { kind: 'error'; message: string } | { kind: 'no_code' };

export function App() {
  useLang();
  const code = codeFromLocation(location);
  const [load, setLoad] = useState<Load>(() => {
    if (!code) return { kind: 'no_code' };
    const cached = cachedInfo(code);
    return cached ? { kind: 'ready', info: cached } : { kind: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);
  const [identity, setIdentity] = useState<Identity | null>(() => (load.kind === 'ready' ? loadIdentity(load.info.id) : null));
  const [notice, setNotice] = useState<string | null>(null);

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

  useEffect(() => {
    document.title = load.kind === 'ready' ? `${load.info.title} — Métrokawa` : 'Métrokawa';
  }, [load]);

  if (load.kind === 'ready' && identity) {
    return (
      <Tablet
        info={load.info}
        identity={identity}
        onForget={(message) => {
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
      <header class="mk-header">
        <p class="mk-header-title">
          <Pictogram name="users" /> Métrokawa
        </p>
        <LangSwitch />
      </header>
      <main id="main" class="mk-main">
        {load.kind === 'ready' ? (
          <>
            {notice && (
              <p class="mk-banner" role="alert">
                <Pictogram name="warning" /> {notice}
              </p>
            )}
            <JoinForm
              info={load.info}
              onJoined={(id) => {
                saveIdentity(load.info.id, id);
                setNotice(null);
                setIdentity(id);
              }}
            />
          </>
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
            <p class="mk-error" role="alert">
              <Pictogram name="warning" /> {load.message}
            </p>
            <Button variant="primary" icon="connecting" onClick={() => setAttempt((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          </section>
        )}
      </main>
      <LiveRegion />
    </>
  );
}

/** Type a join code (when the link was wrong or missing). */
function CodeForm() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const code = value.trim().toUpperCase();
        if (!/^[A-Z0-9]{4,12}$/.test(code)) {
          setError(errorText('bad_code'));
          return;
        }
        location.assign(`/j/${code}`);
      }}
    >
      <div class="mk-field">
        <label for="join-code">{t('p.code.label')}</label>
        <input
          id="join-code"
          class="mk-input mk-code-input"
          data-testid="join-code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxLength={12}
          value={value}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'join-code-error' : undefined}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p id="join-code-error" class="mk-error">
            {error}
          </p>
        )}
      </div>
      <Button type="submit" variant="primary" icon="arrow">
        {t('p.code.go')}
      </Button>
    </form>
  );
}
