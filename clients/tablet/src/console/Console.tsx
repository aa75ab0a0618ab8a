/**
 * The facilitator console: one page, sections reachable from a landmark nav, every action a real
 * <button>. Commands go through the shared Connection; each outcome (done, or the server's refusal)
 * is shown in a notice and announced in the page's one polite live region; a button that makes no
 * sense now is marked disabled with its reason, and focus never falls to <body> (./focus.ts).
 * The nav bar stays at the top of the screen with the round's clock, so the countdown is in view
 * while moderating.
 *
 * This module owns the page shell: the header, the nav bar and its clock, the notice, the live
 * region and the `run` callback; each section lives in ./sections/, the shared plumbing (`Action`,
 * `Section`, `Notice`) in ./kit.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection, Presence } from '../protocol';
import { useStore } from '../hooks';
import { LangSwitch, lang, t, useLang } from '../i18n';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { currentRound, type SessionView } from '../state';
import { Countdown } from '../ui/Countdown';
import { LiveRegion, announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { useFocusKeeper } from './focus';
import { refusalText, type Notice } from './kit';
import { isRoundLive } from './lib';
import { Participants } from './sections/Participants';
import { People } from './sections/People';
import { Agenda } from './sections/Agenda';
import { Seating } from './sections/Seating';
import { Rounds } from './sections/Rounds';
import { Moderation } from './sections/Moderation';
import { Statements } from './sections/Statements';
import { Syntheses } from './sections/Syntheses';
import { Votes } from './sections/Votes';
import { Voeux } from './sections/Voeux';
import { SessionSection } from './sections/Session';
import { CoFacilitators } from './sections/CoFacilitators';
import { Notes } from './sections/Notes';
import { ForumTerritories } from './sections/Forum';

export { refusalText } from './kit';

export interface ConsoleProps {
  conn: Connection;
  sessionId: string;
  token: string;
}

export function Console({ conn, sessionId, token }: ConsoleProps) {
  const view = useStore(conn);
  useLang();
  const [presence, setPresence] = useState<Presence | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [closedCode, setClosedCode] = useState<number | null>(null);

  useEffect(() => conn.onPresence(setPresence), [conn]);
  useEffect(() => conn.onClose(setClosedCode), [conn]);
  useEffect(() => {
    if (closedCode === 4401 || closedCode === 4403 || closedCode === 4404) announce(t(`console.closed.${closedCode}`));
  }, [closedCode]);
  useEffect(() => {
    document.title = view.title ? t('console.doc_title', { title: view.title }) : t('console.doc_title_plain');
  }, [view.title, lang()]); // eslint-disable-line

  const info = useSessionInfo(sessionId);
  const main = useRef<HTMLElement>(null);
  useFocusKeeper(() => main.current);

  // Every outcome is seen (the notice) and heard (the live region), in the page's language.
  const notify = (n: Notice) => {
    setNotice(n);
    announce(n.kind === 'error' ? t('console.refused', { message: n.text }) : n.text);
  };
  const run = (type: string, data: Record<string, unknown> | undefined, doneKey: string, params?: Record<string, string | number>) => {
    conn.send(type, data).then(
      () => notify({ kind: 'ok', text: t(doneKey, params), at: Date.now() }),
      (refusal: unknown) => notify({ kind: 'error', text: refusalText(refusal), at: Date.now() }),
    );
  };

  return (
    <div class="mk-console">
      <a class="mk-skip" href="#main">{t('console.skip')}</a>
      <Header view={view} sessionId={sessionId} conn={conn} info={info} />
      <div class="mk-console-bar">
        <nav class="mk-console-nav" aria-label={t('console.nav.label')}>
          <ul>
            {sectionsOf(view).map((id) => (
              <li key={id}><a href={`#${id}`}>{t(`console.nav.${id}`)}</a></li>
            ))}
          </ul>
        </nav>
        <Clock view={view} conn={conn} />
      </div>
      {/* A landmark of its own: the outcome of the last action is page content too (axe: region). */}
      <div class="mk-console-notice" data-testid="console-status" role="region" aria-label={t('console.notice.label')}>
        {closedCode === 4401 && <p class="mk-notice mk-error"><Pictogram name="warning" size={20} /> {t('console.closed.4401')}</p>}
        {closedCode === 4404 && <p class="mk-notice mk-error"><Pictogram name="warning" size={20} /> {t('console.closed.4404')}</p>}
        {closedCode === 4403 && <p class="mk-notice mk-error" data-testid="console-revoked"><Pictogram name="warning" size={20} /> {t('console.closed.4403')}</p>}
        {notice && (
          <p key={notice.at} class={`mk-notice ${notice.kind === 'error' ? 'mk-error' : 'mk-ok'}`}>
            <Pictogram name={notice.kind === 'error' ? 'warning' : 'check'} size={20} />{' '}
            {notice.kind === 'error' ? t('console.refused', { message: notice.text }) : notice.text}
          </p>
        )}
      </div>
      <main id="main" tabIndex={-1} ref={main}>
        {view.closed && <p class="mk-banner"><Pictogram name="stop" size={20} /> {t('console.session_closed')}</p>}
        <Participants view={view} presence={presence} />
        {view.forum && <ForumTerritories view={view} sessionId={sessionId} join={joinLink(info)} />}
        {!view.forum && <Seating view={view} run={run} noPhone={{ view, conn, onNotice: notify }} />}
        <People view={view} run={run} noPhone={{ view, conn, onNotice: notify }} />
        {!view.forum && <Rounds view={view} run={run} conn={conn} />}
        {!view.forum && <Agenda view={view} run={run} />}
        <Moderation view={view} run={run} />
        <Statements view={view} run={run} />
        {!view.forum && <Syntheses view={view} />}
        <Notes view={view} />
        <Votes view={view} run={run} noPhone={{ view, conn, onNotice: notify }} />
        <Voeux view={view} run={run} />
        <SessionSection view={view} run={run} sessionId={sessionId} token={token} onNotice={notify} />
        <CoFacilitators view={view} conn={conn} sessionId={sessionId} onNotice={notify} />
      </main>
      <LiveRegion />
    </div>
  );
}

/** The round's clock in the nav bar, in view wherever the facilitator is in the page. */
function Clock({ view, conn }: { view: SessionView; conn: Connection }) {
  const round = currentRound(view);
  if (view.forum || !round || !isRoundLive(round) || view.closed) return null;
  return (
    <aside class="mk-console-clock" aria-label={t('console.clock.label')} data-testid="console-clock">
      <a href="#rounds">{t('console.clock.round', { n: round.number })}</a>
      <Countdown round={round} conn={conn} testId="console-clock-time" />
    </aside>
  );
}

const SECTIONS = [
  'participants',
  'forum',
  'seating',
  'people',
  'rounds',
  'agenda',
  'moderation',
  'statements',
  'syntheses',
  'notes',
  'votes',
  'voeux',
  'session',
  'cofacilitators',
] as const;

/** What has no meaning in a forum (no tables, no rounds, no clock) is not shown there; the forum's
 *  own section is shown only there. */
const LIVE_ONLY = new Set<string>(['seating', 'rounds', 'agenda', 'syntheses']);

function sectionsOf(view: SessionView): readonly string[] {
  return SECTIONS.filter((id) => (view.forum ? !LIVE_ONLY.has(id) : id !== 'forum'));
}

// --- header -------------------------------------------------------------------------------------

type Info = { code: string; links: { join: string; projector: string } } | null;

/** The session's public face (GET /api/sessions/{id}): its code and links, made by the server. */
function useSessionInfo(sessionId: string): Info {
  const [info, setInfo] = useState<Info>(null);
  useEffect(() => {
    let alive = true;
    fetch(`/api/sessions/${encodeURIComponent(sessionId)}`)
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => { if (alive && body) setInfo(body); })
      .catch(() => undefined);
    return () => { alive = false; };
  }, [sessionId]);
  return info;
}

function joinLink(info: Info): string {
  const code = info?.code ?? '';
  return info?.links.join ?? (code ? `${location.origin}/j/${code}` : '');
}

function Header(props: { view: SessionView; sessionId: string; conn: Connection; info: Info }) {
  const { view, sessionId, conn, info } = props;
  const code = info?.code ?? '';
  const projector = info?.links.projector ?? `${location.origin}/p/${sessionId}`;
  const join = joinLink(info);
  return (
    <header class="mk-console-header">
      <div class="mk-head-main">
        <p class="mk-kicker">{t('console.kicker')}</p>
        <h1>{view.title || t('console.loading')}</h1>
        <p class="mk-join">
          <span>{t('console.join_code')}</span>{' '}
          <strong class="mk-code" data-testid="join-code">{code || '……'}</strong>
        </p>
        {join && <p class="mk-small">{t('console.join_url')} <a href={join}>{join}</a></p>}
        <p class="mk-small">
          <a href={projector} target="_blank" rel="noopener">{t('console.projector_link')}</a>
        </p>
      </div>
      <img
        class="mk-qr"
        src={`/api/sessions/${encodeURIComponent(sessionId)}/qr.svg`}
        alt={code ? t('console.qr_alt', { code }) : t('console.qr_alt_plain')}
        width={120}
        height={120}
      />
      <div class="mk-head-side">
        <ConnectionIndicator conn={conn} />
        <LangSwitch />
      </div>
    </header>
  );
}
