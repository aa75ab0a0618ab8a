/**
 * Entry of /r, /r/{session_id}#token=… and /r/a/{archive_id}: the replay viewer.
 *
 * /r/a/{archive} fetches a published archive's anonymised log from the server's public archive
 * (GET /archives/{archive}/journal.mkawa), with no token: anyone may replay it.
 *
 * /r/{id}#token=… fetches the session's log (GET /api/sessions/{id}/log, facilitator only) with
 * the token of the fragment, which leaves the address bar at once (as the console does). /r opens
 * a `.mkawa` file from the device (file input, or dropped on the page). Either way the log is
 * read here, in the browser, and nothing is uploaded; the footer says which of the two it was
 * (a file of this device, or a download from this server).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../ui/styles.css';
import './replay.css';
import { tokenFromHash } from '../address';
import { LangSwitch, errorText, t, useLang } from '../i18n';
import { LiveRegion } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { LogError, parseLog, type ParsedLog } from './log';
import { Timeline } from './timeline';
import { Replay } from './Replay';
import { logUrl, replaySource } from './source';

type Loaded =
  | { kind: 'pick' }
  | { kind: 'loading'; what: string }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; log: ParsedLog; timeline: Timeline; source: string; from: Origin };

/** Where a log came from: a file of this device, this server (facilitator link), or this
 *  server's public archive. */
type Origin = 'file' | 'server' | 'archive';

function messageOf(e: unknown): string {
  if (e instanceof LogError) return t(`replay.error.${e.code}`, e.params);
  return t('replay.error.not_mkawa');
}

function load(bytes: Uint8Array, source: string, from: Origin): Loaded {
  try {
    const log = parseLog(bytes);
    return { kind: 'ready', log, timeline: new Timeline(log.events), source, from };
  } catch (e) {
    return { kind: 'error', message: messageOf(e) };
  }
}

const source = replaySource(location);
const sessionId = source?.id ?? null;
const token = tokenFromHash(location.hash);
if (token) history.replaceState(history.state, '', location.pathname + location.search);

function App() {
  useLang();
  const [loaded, setLoaded] = useState<Loaded>(sessionId ? { kind: 'loading', what: sessionId } : { kind: 'pick' });
  const [dragging, setDragging] = useState(false);

  const openFile = async (file: File) => {
    setLoaded({ kind: 'loading', what: file.name });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      setLoaded(load(bytes, t('replay.source.file', { name: file.name }), 'file'));
    } catch {
      setLoaded({ kind: 'error', message: t('replay.error.read') });
    }
  };

  useEffect(() => {
    if (!source) return;
    if (source.kind === 'session' && !token) {
      setLoaded({ kind: 'error', message: t('replay.error.no_token') });
      return;
    }
    let cancelled = false;
    (async () => {
      try {
        const archive = source.kind === 'archive';
        const response = await fetch(logUrl(source), {
          headers: archive ? {} : { Authorization: `Bearer ${token}` },
          cache: 'no-store',
        });
        if (cancelled) return;
        if (archive && !response.ok) {
          setLoaded({ kind: 'error', message: t('replay.error.archive_missing') });
          return;
        }
        if (!response.ok) {
          const body = await response.json().catch(() => null);
          const code = body?.code ?? (response.status === 401 ? 'unauthorized' : 'not_found');
          setLoaded({ kind: 'error', message: code === 'unauthorized' ? t('replay.error.unauthorized') : errorText(code, body?.message) });
          return;
        }
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (cancelled) return;
        if (archive) setLoaded(load(bytes, t('replay.source.archive', { id: source.id }), 'archive'));
        else setLoaded(load(bytes, t('replay.source.server', { id: source.id }), 'server'));
      } catch {
        if (!cancelled) setLoaded({ kind: 'error', message: t('error.network') });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  // A .mkawa dropped anywhere on the page opens it.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget == null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files?.[0];
      setDragging(false);
      if (!file) return;
      e.preventDefault();
      openFile(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('dragleave', leave);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('drop', drop);
    };
  }, []);

  const title = loaded.kind === 'ready' ? loaded.log.header.title || t('replay.untitled') : t('replay.title');
  useEffect(() => {
    document.title = loaded.kind === 'ready' ? t('replay.doc_title', { title }) : t('replay.title');
  }, [title, loaded.kind]);

  return (
    <div class={`mk-replay${dragging ? ' mk-replay-dragging' : ''}`}>
      <a class="mk-skip" href="#main">{t('replay.skip')}</a>
      <header class="mk-replay-header">
        <div class="mk-replay-head-main">
          <p class="mk-kicker">{t('replay.kicker')}</p>
          <h1 data-testid="replay-title">{title}</h1>
        </div>
        <LangSwitch />
      </header>
      <main id="main" class="mk-replay-main" tabIndex={-1}>
        {loaded.kind === 'ready' ? (
          <Replay
            key={loaded.source}
            log={loaded.log}
            timeline={loaded.timeline}
            source={loaded.source}
            onOther={sessionId ? undefined : () => setLoaded({ kind: 'pick' })}
          />
        ) : (
          <>
            {loaded.kind === 'loading' && (
              <p class="mk-banner mk-banner-info" role="status" data-testid="replay-loading">
                {t('replay.loading', { what: loaded.what })}
              </p>
            )}
            {loaded.kind === 'error' && (
              <p class="mk-notice mk-error" role="alert" data-testid="replay-error">
                <Pictogram name="warning" size={20} /> {loaded.message}
              </p>
            )}
            {loaded.kind !== 'loading' && <Picker onFile={openFile} dragging={dragging} />}
          </>
        )}
      </main>
      <footer class="mk-footer">
        <p data-testid="replay-footer">{t(`replay.footer.${loaded.kind === 'ready' ? loaded.from : 'none'}`)}</p>
      </footer>
      <LiveRegion />
    </div>
  );
}

function Picker({ onFile, dragging }: { onFile: (f: File) => void; dragging: boolean }) {
  return (
    <section class="mk-card" aria-labelledby="pick-title" data-testid="replay-picker">
      <h2 id="pick-title">{t('replay.pick.title')}</h2>
      <p>{t('replay.pick.intro')}</p>
      <div class={`mk-replay-drop${dragging ? ' mk-replay-drop-on' : ''}`}>
        <Pictogram name="download" size={32} />
        <label for="replay-file" class="mk-replay-file-label">
          {t('replay.pick.label')}
        </label>
        <input
          id="replay-file"
          type="file"
          accept=".mkawa,application/vnd.metrokawa.log+msgpack"
          class="mk-input"
          aria-describedby="replay-file-hint"
          data-testid="replay-file"
          onChange={(e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) onFile(file);
          }}
        />
        <p id="replay-file-hint" class="mk-hint">{t('replay.pick.hint')}</p>
      </div>
    </section>
  );
}

render(<App />, document.getElementById('app')!);
