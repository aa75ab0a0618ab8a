/**
 * The facilitator console: one page, sections reachable from a landmark nav, every action a real
 * <button>. Commands go through the shared Connection; refusals are shown as the server's sentence
 * in the page's polite live region; a button that makes no sense now is disabled with its reason.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Connection, Presence, Refusal } from '../protocol';
import { useStore } from '../hooks';
import { LangSwitch, lang, t, useLang } from '../i18n';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown, formatDuration } from '../ui/Countdown';
import {
  adoptionOf,
  currentRound,
  lastVoteOf,
  nextRound,
  objectionsOf,
  openConsent,
  openVote,
  pendingObjections,
  voeuOf,
  voeuxInOrder,
  voteTally,
  type ConsentView,
  type ObjectionView,
  POSITION_KEYS,
  publishedStatements,
  type RoundView,
  type SessionView,
  type StatementView,
  type VoteView,
} from '../state';
import {
  isQpvResident,
  isRoundLive,
  moderationQueue,
  positionTotals,
  proposalOf,
  seatingQuality,
  synthesesByRound,
  tablesInOrder,
  territoryCounts,
} from './lib';
import { MeritProfile } from '../ui/MeritProfile';
import { Pictogram } from '../ui/Pictogram';
import { positionIcon } from '../ui/PositionScale';

export interface ConsoleProps {
  conn: Connection;
  sessionId: string;
  token: string;
}

type Notice = { kind: 'ok' | 'error'; text: string; at: number };

/** The sentence to show for a refused command: the server's French message, or the catalogue's
 *  sentence for its code when the page is in English. */
export function refusalText(refusal: unknown): string {
  const r = refusal as Partial<Refusal> | undefined;
  const code = r?.code ?? 'unavailable';
  if (lang() === 'fr' && r?.message) return r.message;
  const key = `error.${code}`;
  const translated = t(key);
  if (translated && translated !== key) return translated;
  return r?.message ?? code;
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
    document.title = view.title ? t('console.doc_title', { title: view.title }) : t('console.doc_title_plain');
  }, [view.title, lang()]); // eslint-disable-line

  const run = (type: string, data: Record<string, unknown> | undefined, doneKey: string, params?: Record<string, string | number>) => {
    conn.send(type, data).then(
      () => setNotice({ kind: 'ok', text: t(doneKey, params), at: Date.now() }),
      (refusal: unknown) => setNotice({ kind: 'error', text: refusalText(refusal), at: Date.now() }),
    );
  };

  return (
    <div class="mk-console">
      <a class="mk-skip" href="#main">{t('console.skip')}</a>
      <Header view={view} sessionId={sessionId} conn={conn} />
      <nav class="mk-console-nav" aria-label={t('console.nav.label')}>
        <ul>
          {SECTIONS.map((id) => (
            <li key={id}><a href={`#${id}`}>{t(`console.nav.${id}`)}</a></li>
          ))}
        </ul>
      </nav>
      <div class="mk-live" role="status" aria-live="polite" data-testid="console-status">
        {closedCode === 4401 && <p class="mk-notice mk-error"><Pictogram name="warning" size={20} /> {t('console.closed.4401')}</p>}
        {closedCode === 4404 && <p class="mk-notice mk-error"><Pictogram name="warning" size={20} /> {t('console.closed.4404')}</p>}
        {notice && (
          <p key={notice.at} class={`mk-notice ${notice.kind === 'error' ? 'mk-error' : 'mk-ok'}`}>
            <Pictogram name={notice.kind === 'error' ? 'warning' : 'check'} size={20} />{' '}
            {notice.kind === 'error' ? t('console.refused', { message: notice.text }) : notice.text}
          </p>
        )}
      </div>
      <main id="main" tabIndex={-1}>
        {view.closed && <p class="mk-banner"><Pictogram name="stop" size={20} /> {t('console.session_closed')}</p>}
        <Participants view={view} presence={presence} />
        <Seating view={view} run={run} />
        <Rounds view={view} run={run} conn={conn} />
        <Moderation view={view} run={run} />
        <Statements view={view} run={run} />
        <Syntheses view={view} />
        <Votes view={view} run={run} />
        <Voeux view={view} run={run} />
        <SessionSection view={view} run={run} sessionId={sessionId} token={token} onNotice={setNotice} />
      </main>
    </div>
  );
}

const SECTIONS = ['participants', 'seating', 'rounds', 'moderation', 'statements', 'syntheses', 'votes', 'voeux', 'session'] as const;

type Run = (type: string, data: Record<string, unknown> | undefined, doneKey: string, params?: Record<string, string | number>) => void;

// --- building blocks -------------------------------------------------------------------------------

let reasonCounter = 0;

/** A real <button>; when `reason` is set it is disabled and the reason is shown beside it. */
function Action(props: {
  onClick: () => void;
  reason?: string | null;
  /** The id of a reason shown once for several buttons (then none is shown beside this one). */
  sharedReasonId?: string;
  children: ComponentChildren;
  variant?: 'primary' | 'danger' | 'secondary';
  testid?: string;
}) {
  const id = useMemo(() => `mk-reason-${++reasonCounter}`, []);
  const disabled = Boolean(props.reason);
  const shared = props.sharedReasonId;
  return (
    <span class="mk-action">
      <button
        type="button"
        class={`mk-btn mk-btn-${props.variant ?? 'secondary'}`}
        onClick={props.onClick}
        disabled={disabled}
        aria-describedby={disabled ? (shared ?? id) : undefined}
        data-testid={props.testid}
      >
        {props.children}
      </button>
      {disabled && !shared && <span id={id} class="mk-reason">{props.reason}</span>}
    </span>
  );
}

function Section(props: { id: string; title: string; children: ComponentChildren; testid?: string }) {
  return (
    <section id={props.id} class="mk-section" aria-labelledby={`${props.id}-title`} data-testid={props.testid}>
      <h2 id={`${props.id}-title`} tabIndex={-1}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function closedReason(view: SessionView): string | null {
  return view.closed ? t('console.reason.closed') : null;
}

function pseudonym(view: SessionView, participant: string | null | undefined): string {
  if (!participant) return '';
  return view.participants[participant]?.pseudonym ?? participant;
}

function territoryName(view: SessionView, territory: string | undefined): string {
  return (territory && view.territories[territory]?.name) || '';
}

function statementText(s: StatementView): string {
  return s.text ?? t('console.statement.no_text');
}

// --- header -------------------------------------------------------------------------------------

function Header(props: { view: SessionView; sessionId: string; conn: Connection }) {
  const { view, sessionId, conn } = props;
  const [info, setInfo] = useState<{ code: string; links: { join: string; projector: string } } | null>(null);
  useEffect(() => {
    let alive = true;
    fetch(`/api/sessions/${encodeURIComponent(sessionId)}`)
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => { if (alive && body) setInfo(body); })
      .catch(() => undefined);
    return () => { alive = false; };
  }, [sessionId]);
  const code = info?.code ?? '';
  const projector = info?.links.projector ?? `${location.origin}/p/${sessionId}`;
  const join = info?.links.join ?? (code ? `${location.origin}/j/${code}` : '');
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

// --- participants --------------------------------------------------------------------------------

function Participants({ view, presence }: { view: SessionView; presence: Presence | null }) {
  const rows = territoryCounts(view, presence?.territories ?? {});
  const joined = Object.keys(view.participants).length;
  const connected = presence ? presence.participants.length : null;
  return (
    <Section id="participants" title={t('console.nav.participants')}>
      <p>
        {t('console.participants.summary', { joined })}{' '}
        {connected === null ? t('console.participants.connected_unknown') : t('console.participants.connected', { n: connected })}
      </p>
      <table class="mk-table" data-testid="participants-by-territory">
        <caption class="mk-sr-only">{t('console.participants.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('console.participants.territory')}</th>
            <th scope="col">{t('console.participants.commune')}</th>
            <th scope="col">{t('console.participants.qpv')}</th>
            <th scope="col">{t('console.participants.joined')}</th>
            <th scope="col">{t('console.participants.now')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ territory, joined: j, connected: c }) => (
            <tr key={territory.id} data-territory={territory.id}>
              <th scope="row">{territory.name}</th>
              <td>{territory.commune}</td>
              <td>{territory.qpv ? <span class="mk-qpv">{t('console.qpv_yes')}</span> : t('console.qpv_no')}</td>
              <td>{j}</td>
              <td>{presence ? c : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

// --- seating -------------------------------------------------------------------------------------

function Seating({ view, run }: { view: SessionView; run: Run }) {
  const tables = tablesInOrder(view);
  const quality = seatingQuality(view);
  const live = isRoundLive(currentRound(view));
  const count = Object.keys(view.participants).length;
  const seatReason =
    closedReason(view) ??
    (tables.length ? t('console.reason.already_seated') : null) ??
    (count < 2 ? t('console.reason.too_few') : null) ??
    (live ? t('console.reason.round_live') : null);
  const rotateReason =
    closedReason(view) ??
    (!tables.length ? t('console.reason.not_seated') : null) ??
    (live ? t('console.reason.round_live') : null);
  const unseated = Object.values(view.participants).filter((p) => p.table === null).length;
  return (
    <Section id="seating" title={t('console.nav.seating')}>
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('SeatTables', undefined, 'console.done.seated')} reason={seatReason}>
          <Pictogram name="table" size={20} /> {t('console.seating.seat')}
        </Action>
        <Action onClick={() => run('RotateTables', undefined, 'console.done.rotated')} reason={rotateReason}>
          <Pictogram name="shuffle" size={20} /> {t('console.seating.rotate')}
        </Action>
      </div>
      {tables.length > 0 && (
        <dl class="mk-figures" aria-label={t('console.seating.quality')}>
          <div><dt>{t('console.seating.tables')}</dt><dd>{quality.tables}</dd></div>
          <div><dt>{t('console.seating.seated')}</dt><dd>{quality.seated}</dd></div>
          <div><dt>{t('console.seating.min_territories')}</dt><dd>{quality.minTerritories}</dd></div>
          <div><dt>{t('console.seating.with_qpv')}</dt><dd>{t('console.seating.of', { n: quality.tablesWithQpv, total: quality.tables })}</dd></div>
          <div><dt>{t('console.seating.repeated')}</dt><dd>{quality.repeatedPairs}</dd></div>
        </dl>
      )}
      {unseated > 0 && tables.length > 0 && <p>{t('console.seating.unseated', { n: unseated })}</p>}
      {tables.length === 0 ? (
        <p data-testid="seating-plan">{t('console.seating.none')}</p>
      ) : (
        <ul class="mk-plan" data-testid="seating-plan">
          {tables.map((table) => (
            <li key={table.table} class="mk-card" data-table={table.table}>
              <h3>{t('console.seating.table', { n: table.table })}</h3>
              <ul class="mk-members">
                {table.members.map((member) => {
                  const person = view.participants[member];
                  const host = table.host === member;
                  return (
                    <li key={member} class={host ? 'mk-host' : undefined}>
                      {host && <span class="mk-badge" data-testid="host-badge"><Pictogram name="star" size={20} /> {t('console.seating.host')}</span>}{' '}
                      <strong>{person?.pseudonym ?? member}</strong>
                      <span class="mk-muted"> — {territoryName(view, person?.territory)}</span>
                      {isQpvResident(view, member) && <span class="mk-qpv"> {t('console.qpv_yes')}</span>}
                    </li>
                  );
                })}
              </ul>
              {table.host === null && <p class="mk-muted">{t('console.seating.no_host')}</p>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

// --- rounds --------------------------------------------------------------------------------------

function roundStatusText(round: RoundView): string {
  return t(`round.status.${round.status}`);
}

function Rounds({ view, run, conn }: { view: SessionView; run: Run; conn: Connection }) {
  const current = currentRound(view);
  const upcoming = nextRound(view);
  const live = isRoundLive(current);
  const closed = closedReason(view);
  const startReason =
    closed ??
    (live ? t('console.reason.round_live') : null) ??
    (!upcoming ? t('console.reason.agenda_done') : null) ??
    (Object.keys(view.tables).length === 0 ? t('console.reason.not_seated') : null);
  const notLive = live ? null : t('console.reason.no_round');
  const pauseReason = closed ?? (current?.status === 'running' ? null : current?.status === 'paused' ? t('console.reason.paused') : notLive);
  const resumeReason = closed ?? (current?.status === 'paused' ? null : t('console.reason.not_paused'));
  const liveReason = closed ?? notLive;
  return (
    <Section id="rounds" title={t('console.nav.rounds')}>
      <ol class="mk-agenda">
        {view.rounds.map((round) => (
          <li key={round.number} class={`mk-round mk-round-${round.status}`} aria-current={round === current && live ? 'step' : undefined}>
            <span class="mk-round-status">{roundStatusText(round)}</span>{' '}
            <strong>{t('console.round.label', { n: round.number, kind: t(`round.kind.${round.spec.kind}`) })}</strong>
            {' — '}{round.spec.prompt}{' '}
            <span class="mk-muted">({t('console.round.minutes', { n: Math.round(round.spec.duration_ms / 60000) })})</span>
          </li>
        ))}
      </ol>
      {current && (
        <div class="mk-current">
          <h3>{t('console.round.current', { n: current.number })} — {roundStatusText(current)}</h3>
          <p class="mk-prompt" data-testid="round-prompt">{current.spec.prompt}</p>
          {live && <Countdown round={current} conn={conn} large />}
          {current.status === 'paused' && current.remaining_ms !== null && (
            <p>{t('console.round.paused_left', { time: formatDuration(current.remaining_ms) })}</p>
          )}
        </div>
      )}
      {!current && <p>{t('console.round.none_yet')}</p>}
      {upcoming && !live && (
        <p>{t('console.round.next', { n: upcoming.number, prompt: upcoming.spec.prompt })}</p>
      )}
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('StartRound', undefined, 'console.done.started')} reason={startReason}>
          <Pictogram name="play" size={20} /> {t('console.round.start')}
        </Action>
        <Action onClick={() => run('PauseRound', undefined, 'console.done.paused')} reason={pauseReason}>
          <Pictogram name="pause" size={20} /> {t('console.round.pause')}
        </Action>
        <Action onClick={() => run('ResumeRound', undefined, 'console.done.resumed')} reason={resumeReason}>
          <Pictogram name="play" size={20} /> {t('console.round.resume')}
        </Action>
        <Action onClick={() => run('ExtendRound', { minutes: 1 }, 'console.done.extended', { n: 1 })} reason={liveReason} sharedReasonId="rounds-live-reason">
          {t('console.round.extend', { n: 1 })}
        </Action>
        <Action onClick={() => run('ExtendRound', { minutes: 5 }, 'console.done.extended', { n: 5 })} reason={liveReason} sharedReasonId="rounds-live-reason">
          {t('console.round.extend', { n: 5 })}
        </Action>
        <Action variant="danger" onClick={() => run('EndRound', undefined, 'console.done.ended')} reason={liveReason} sharedReasonId="rounds-live-reason">
          <Pictogram name="stop" size={20} /> {t('console.round.end')}
        </Action>
      </div>
      {liveReason && <p id="rounds-live-reason" class="mk-reason">{t('console.reason.extend_end', { reason: liveReason })}</p>}
    </Section>
  );
}

// --- moderation ----------------------------------------------------------------------------------

function Moderation({ view, run }: { view: SessionView; run: Run }) {
  const queue = moderationQueue(view);
  const published = publishedStatements(view);
  return (
    <Section id="moderation" title={t('console.nav.moderation')}>
      <p>{t('console.moderation.count', { n: queue.length })}</p>
      <ul class="mk-list" data-testid="moderation-queue">
        {queue.map((s) => (
          <QueueItem key={s.id} view={view} statement={s} published={published} run={run} />
        ))}
      </ul>
    </Section>
  );
}

function statementMeta(view: SessionView, s: StatementView, withAuthor: boolean): string {
  const parts = [t(`kind.${s.kind ?? 'problem'}`), t('console.round.short', { n: s.round })];
  if (s.table !== null) parts.push(t('console.seating.table', { n: s.table }));
  if (withAuthor && view.participants[s.author]) {
    const author = view.participants[s.author]!;
    parts.push(`${author.pseudonym} (${territoryName(view, author.territory)})`);
  }
  return parts.join(' · ');
}

function QueueItem({ view, statement, published, run }: { view: SessionView; statement: StatementView; published: StatementView[]; run: Run }) {
  const [into, setInto] = useState('');
  const targets = published.filter((p) => p.id !== statement.id);
  const closed = closedReason(view);
  const selectId = `merge-${statement.id}`;
  const mergeReason =
    closed ?? (targets.length === 0 ? t('console.reason.no_merge_target') : !into ? t('console.reason.choose_merge') : null);
  return (
    <li class="mk-card" data-statement-id={statement.id}>
      <p class="mk-statement">« {statementText(statement)} »</p>
      <p class="mk-muted">{statementMeta(view, statement, true)}</p>
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('PublishStatement', { statement: statement.id }, 'console.done.published')} reason={closed}>
          <Pictogram name="check" size={20} /> {t('console.moderation.publish')}
        </Action>
        <Action onClick={() => run('HideStatement', { statement: statement.id }, 'console.done.hidden')} reason={closed}>
          <Pictogram name="cross" size={20} /> {t('console.moderation.hide')}
        </Action>
      </div>
      {targets.length > 0 && (
        <div class="mk-merge">
          <label for={selectId}>{t('console.moderation.merge_with')}</label>
          <select id={selectId} value={into} onChange={(e) => setInto((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('console.moderation.choose')}</option>
            {targets.map((p) => (
              <option key={p.id} value={p.id}>{`${p.id} — ${(p.text ?? '').slice(0, 80)}`}</option>
            ))}
          </select>
        </div>
      )}
      <Action
        onClick={() => run('MergeStatements', { statement: statement.id, into }, 'console.done.merged')}
        reason={mergeReason}
      >
        <Pictogram name="merge" size={20} /> {t('console.moderation.merge')}
      </Action>
    </li>
  );
}

// --- published statements ------------------------------------------------------------------------

function Statements({ view, run }: { view: SessionView; run: Run }) {
  const published = publishedStatements(view);
  return (
    <Section id="statements" title={t('console.nav.statements')}>
      <OnScreen view={view} run={run} />
      {published.length === 0 && <p>{t('console.statements.none')}</p>}
      <ul class="mk-list" data-testid="statement-list">
        {published.map((s) => (
          <PublishedItem key={s.id} view={view} statement={s} run={run} />
        ))}
      </ul>
    </Section>
  );
}

function PositionCounts({ view, statement }: { view: SessionView; statement: string }) {
  const totals = positionTotals(view, statement);
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  return (
    <div class="mk-counts">
      <p>{t('console.statements.positions', { n: sum })}</p>
      <ul class="mk-count-list">
        {POSITION_KEYS.map((value) => (
          <li key={value} class="mk-count-item" data-value={value}>
            <Pictogram name={positionIcon(value)} size={20} />{' '}
            <span>{t(`position.${value}`)}</span> : <strong>{totals[value] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PublishedItem({ view, statement, run }: { view: SessionView; statement: StatementView; run: Run }) {
  const [text, setText] = useState('');
  const proposal = proposalOf(view, statement.id);
  const closed = closedReason(view);
  const inputId = `promote-${statement.id}`;
  const onScreen = view.results?.statement === statement.id;
  return (
    <li class="mk-card" data-statement-id={statement.id}>
      <p class="mk-statement">« {statementText(statement)} »</p>
      <p class="mk-muted">{statementMeta(view, statement, true)}</p>
      <PositionCounts view={view} statement={statement.id} />
      {proposal ? (
        <p><Pictogram name="star" size={20} /> {t('console.statements.promoted', { text: proposal.text })}</p>
      ) : (
        <div class="mk-field">
          <label for={inputId}>{t('console.statements.proposal_text')}</label>
          <input id={inputId} type="text" maxLength={400} value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        </div>
      )}
      <div class="mk-actions">
        <Action
          onClick={() =>
            run('PromoteProposal', text.trim() ? { statement: statement.id, text: text.trim() } : { statement: statement.id }, 'console.done.promoted')
          }
          reason={closed ?? (proposal ? t('console.reason.promoted') : null)}
        >
          <Pictogram name="star" size={20} /> {t('console.statements.promote')}
        </Action>
        <Action
          onClick={() => run('ShowResults', { statement: statement.id }, 'console.done.shown')}
          reason={closed ?? (onScreen ? t('console.reason.on_screen') : null)}
        >
          <Pictogram name="chart" size={20} /> {t('console.statements.show')}
        </Action>
      </div>
    </li>
  );
}

/** What the projector shows now, and the button to take results off the screen. */
function OnScreen({ view, run }: { view: SessionView; run: Run }) {
  const results = view.results;
  let what = t('console.screen.nothing');
  if (results?.statement) {
    const s = view.statements[results.statement];
    what = t('console.screen.statement', { text: s?.text ?? results.statement });
  } else if (results?.vote) {
    what = t('console.screen.vote', { vote: results.vote });
  }
  return (
    <div class="mk-onscreen">
      <p><Pictogram name="eye" size={20} /> {what}</p>
      <Action onClick={() => run('HideResults', {}, 'console.done.hidden_results')} reason={closedReason(view) ?? (results ? null : t('console.reason.nothing_shown'))}>
        {t('console.screen.hide')}
      </Action>
    </div>
  );
}

// --- syntheses -----------------------------------------------------------------------------------

function Syntheses({ view }: { view: SessionView }) {
  const groups = synthesesByRound(view);
  return (
    <Section id="syntheses" title={t('console.nav.syntheses')}>
      {groups.length === 0 && <p>{t('console.syntheses.none')}</p>}
      {groups.map(({ round, items }) => (
        <div key={round}>
          <h3>{t('console.round.current', { n: round })} — {view.rounds[round - 1]?.spec.prompt ?? ''}</h3>
          <ul class="mk-list">
            {items.map((s) => (
              <li key={`${s.round}|${s.table}`} class="mk-card">
                <p class="mk-muted">{t('console.syntheses.by', { table: s.table, host: pseudonym(view, s.host) })}</p>
                <p class="mk-synthesis">{s.text}</p>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Section>
  );
}

// --- votes ---------------------------------------------------------------------------------------

function Votes({ view, run }: { view: SessionView; run: Run }) {
  const proposals = Object.values(view.proposals).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  const [chosen, setChosen] = useState<string[]>([]);
  const open = openVote(view);
  const votes = Object.values(view.votes).sort((a, b) => b.id.localeCompare(a.id, undefined, { numeric: true }));
  const toggle = (id: string, on: boolean) => setChosen((list) => (on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id)));
  const valid = chosen.filter((id) => id in view.proposals);
  const openReason =
    closedReason(view) ??
    (open ? t('console.reason.vote_open') : null) ??
    (proposals.length === 0 ? t('console.reason.no_proposals') : null) ??
    (valid.length === 0 ? t('console.reason.choose_proposals') : null);
  return (
    <Section id="votes" title={t('console.nav.votes')}>
      {proposals.length === 0 ? (
        <p>{t('console.votes.no_proposals')}</p>
      ) : (
        <fieldset class="mk-fieldset">
          <legend>{t('console.votes.choose')}</legend>
          {proposals.map((p) => (
            <div key={p.id} class="mk-check">
              <input
                type="checkbox"
                id={`choose-${p.id}`}
                checked={chosen.includes(p.id)}
                onChange={(e) => toggle(p.id, (e.currentTarget as HTMLInputElement).checked)}
              />
              <label for={`choose-${p.id}`}>{p.text}</label>
            </div>
          ))}
        </fieldset>
      )}
      <div class="mk-actions">
        <Action
          variant="primary"
          onClick={() => {
            run('OpenVote', { proposals: valid }, 'console.done.vote_opened');
            setChosen([]);
          }}
          reason={openReason}
        >
          <Pictogram name="ballot" size={20} /> {t('console.votes.open')}
        </Action>
      </div>
      <ul class="mk-list">
        {votes.map((vote) => (
          <VoteItem key={vote.id} view={view} vote={vote} run={run} />
        ))}
      </ul>
    </Section>
  );
}

function VoteItem({ view, vote, run }: { view: SessionView; vote: VoteView; run: Run }) {
  const ballots = Object.keys(vote.ballots).length;
  const shown = view.results?.vote === vote.id;
  const closed = closedReason(view);
  const profiles = voteTally(view, vote);
  return (
    <li class="mk-card" data-vote-id={vote.id}>
      <h3>
        {t('console.votes.vote', { id: vote.id })} —{' '}
        {vote.open ? <span><Pictogram name="play" size={20} /> {t('console.votes.is_open')}</span> : <span><Pictogram name="stop" size={20} /> {t('console.votes.is_closed')}</span>}
      </h3>
      <p data-testid={`ballots-${vote.id}`}>{t('console.votes.ballots', { n: ballots })}</p>
      {vote.open && (
        <ul>
          {vote.proposals.map((id) => <li key={id}>{view.proposals[id]?.text ?? id}</li>)}
        </ul>
      )}
      {!vote.open && <MeritProfile profiles={profiles} proposals={view.proposals} order={vote.proposals} />}
      {!vote.open && <AdoptedProposals view={view} vote={vote} run={run} />}
      <div class="mk-actions">
        <Action variant="danger" onClick={() => run('CloseVote', { vote: vote.id }, 'console.done.vote_closed')} reason={closed ?? (vote.open ? null : t('console.reason.vote_closed'))}>
          <Pictogram name="stop" size={20} /> {t('console.votes.close')}
        </Action>
        <Action onClick={() => run('ShowResults', { vote: vote.id }, 'console.done.shown')} reason={closed ?? (vote.open ? t('console.reason.vote_still_open') : shown ? t('console.reason.on_screen') : null)}>
          <Pictogram name="chart" size={20} /> {t('console.votes.show')}
        </Action>
        <Action onClick={() => run('HideResults', {}, 'console.done.hidden_results')} reason={closed ?? (shown ? null : t('console.reason.not_on_screen'))}>
          {t('console.screen.hide')}
        </Action>
      </div>
    </li>
  );
}

/** The proposals this closed vote adopted (it is their last vote, majority grade ≥ Assez bien),
 *  each with « Ouvrir un tour de consentement » (decide.py `_open_consent`). */
function AdoptedProposals({ view, vote, run }: { view: SessionView; vote: VoteView; run: Run }) {
  const adopted = vote.proposals.filter((id) => lastVoteOf(view, id)?.id === vote.id && adoptionOf(view, id));
  if (adopted.length === 0) return null;
  const open = openConsent(view);
  return (
    <ul class="mk-list mk-adopted" data-testid={`adopted-${vote.id}`}>
      {adopted.map((id) => {
        const grade = adoptionOf(view, id)!.grade;
        const reason =
          closedReason(view) ??
          (voeuOf(view, id) ? t('console.reason.already_voeu') : null) ??
          (open ? t('console.reason.consent_open') : null);
        return (
          <li key={id} class="mk-adopted-item" data-proposal-id={id}>
            <p>
              <Pictogram name="check" size={20} /> <strong>{view.proposals[id]?.text ?? id}</strong>{' '}
              <span class="mk-muted">{t('console.consent.adopted', { grade: t(`grade.${grade}`) })}</span>
            </p>
            <Action variant="primary" onClick={() => run('OpenConsent', { proposal: id }, 'console.done.consent_opened')} reason={reason}>
              <Pictogram name="users" size={20} /> {t('console.consent.open')}
            </Action>
          </li>
        );
      })}
    </ul>
  );
}

// --- consent rounds and vœux ---------------------------------------------------------------------

const MAX_WORDING = 400;
const MAX_OUTCOME = 4000;

function Voeux({ view, run }: { view: SessionView; run: Run }) {
  const consent = openConsent(view);
  const voeux = voeuxInOrder(view);
  return (
    <Section id="voeux" title={t('console.nav.voeux')} testid="voeux-section">
      {consent ? <ConsentCard key={consent.id} view={view} consent={consent} run={run} /> : <p>{t('console.consent.none')}</p>}
      <h3>{t('console.voeux.title')}</h3>
      {voeux.length === 0 ? (
        <p>{t('console.voeux.none')}</p>
      ) : (
        <ol class="mk-list" data-testid="voeux-list">
          {voeux.map((v) => (
            <li key={v.id} class="mk-card" data-voeu-id={v.id}>
              <p class="mk-muted">{t('console.voeux.item', { id: v.id, proposal: v.proposal })}</p>
              <p class="mk-statement">« {v.text} »</p>
              <p class="mk-muted">{t('voeu.outcome')}</p>
              <p class="mk-synthesis">{v.outcome}</p>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function ConsentCard({ view, consent, run }: { view: SessionView; consent: ConsentView; run: Run }) {
  const [outcome, setOutcome] = useState('');
  const objections = objectionsOf(view, consent.id);
  const pending = pendingObjections(view, consent.id).length;
  const closed = closedReason(view);
  const clean = outcome.trim();
  const adoptReason =
    closed ??
    (pending ? t('console.reason.objections_pending', { n: pending }) : null) ??
    (!clean ? t('console.reason.outcome_empty') : null) ??
    (clean.length > MAX_OUTCOME ? t('console.reason.too_long') : null);
  return (
    <div class="mk-card mk-consent" data-testid="consent-card" data-consent-id={consent.id}>
      <h3>{t('console.consent.title')}</h3>
      <p class="mk-muted">{t('console.consent.proposal', { id: consent.proposal, vote: consent.vote, grade: t(`grade.${consent.grade}`) })}</p>
      <p class="mk-muted">{t('console.consent.wording')}</p>
      <p class="mk-statement" data-testid="consent-wording">« {consent.text} »</p>
      <h4>{t('console.consent.objections', { n: objections.length })}</h4>
      <p data-testid="consent-pending">{t('console.consent.pending_count', { n: pending })}</p>
      {objections.length === 0 ? (
        <p>{t('console.consent.no_objection')}</p>
      ) : (
        <ol class="mk-list" data-testid="objection-list">
          {objections.map((o) => (
            <ObjectionItem key={o.id} view={view} consent={consent} objection={o} run={run} />
          ))}
        </ol>
      )}
      <div class="mk-field">
        <label for={`outcome-${consent.id}`}>{t('console.consent.outcome')}</label>
        <p id={`outcome-${consent.id}-hint`} class="mk-hint">{t('console.consent.outcome_hint')}</p>
        <textarea
          id={`outcome-${consent.id}`}
          class="mk-textarea"
          rows={4}
          value={outcome}
          aria-describedby={`outcome-${consent.id}-hint outcome-${consent.id}-count`}
          onInput={(e) => setOutcome((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id={`outcome-${consent.id}-count`} class="mk-counter">{t('console.consent.chars', { n: clean.length, max: MAX_OUTCOME })}</p>
      </div>
      <div class="mk-actions">
        <Action
          variant="primary"
          onClick={() => run('AdoptVoeu', { consent: consent.id, outcome: clean }, 'console.done.voeu_adopted')}
          reason={adoptReason}
        >
          <Pictogram name="check" size={20} /> {t('console.consent.adopt')}
        </Action>
        <Action variant="danger" onClick={() => run('AbandonConsent', { consent: consent.id }, 'console.done.consent_abandoned')} reason={closed}>
          <Pictogram name="cross" size={20} /> {t('console.consent.abandon')}
        </Action>
      </div>
    </div>
  );
}

function ObjectionItem({ view, consent, objection, run }: { view: SessionView; consent: ConsentView; objection: ObjectionView; run: Run }) {
  const [editing, setEditing] = useState(false);
  const [wording, setWording] = useState(consent.text);
  const closed = closedReason(view);
  const status = objection.resolution ?? 'pending';
  const author = view.participants[objection.author];
  const inputId = `wording-${objection.id}`;
  const clean = wording.trim();
  const saveReason =
    closed ?? (!clean ? t('console.reason.wording_empty') : clean.length > MAX_WORDING ? t('console.reason.too_long') : null);
  useEffect(() => {
    if (editing) document.getElementById(inputId)?.focus();
  }, [editing]);
  return (
    <li class="mk-card mk-objection" data-objection-id={objection.id} data-status={status}>
      <p class="mk-statement">« {objection.text} »</p>
      <p class="mk-muted">
        <span class={`mk-chip mk-objection-${status}`}>
          <Pictogram name={status === 'pending' ? 'hourglass' : 'check'} size={16} /> {t(`objection.${status}`)}
        </span>
        {author && <> · {t('console.consent.by', { name: author.pseudonym })}</>}
      </p>
      {objection.wording && <p class="mk-muted">{t('console.consent.answer', { text: objection.wording })}</p>}
      {status === 'pending' && !editing && (
        <div class="mk-actions">
          <Action
            onClick={() => {
              setWording(consent.text);
              setEditing(true);
            }}
            reason={closed}
          >
            <Pictogram name="pencil" size={20} /> {t('console.consent.amend')}
          </Action>
          <Action
            onClick={() => run('ResolveObjection', { objection: objection.id, resolution: 'withdrawn' }, 'console.done.withdrawn')}
            reason={closed}
          >
            <Pictogram name="cross" size={20} /> {t('console.consent.withdraw')}
          </Action>
        </div>
      )}
      {status === 'pending' && editing && (
        <div class="mk-amend">
          <div class="mk-field">
            <label for={inputId}>{t('console.consent.new_wording')}</label>
            <p id={`${inputId}-hint`} class="mk-hint">{t('console.consent.new_wording_hint')}</p>
            <textarea
              id={inputId}
              class="mk-textarea"
              rows={3}
              value={wording}
              aria-describedby={`${inputId}-hint ${inputId}-count`}
              onInput={(e) => setWording((e.currentTarget as HTMLTextAreaElement).value)}
            />
            <p id={`${inputId}-count`} class="mk-counter">{t('console.consent.chars', { n: clean.length, max: MAX_WORDING })}</p>
          </div>
          <div class="mk-actions">
            <Action
              variant="primary"
              onClick={() => {
                run('ResolveObjection', { objection: objection.id, resolution: 'amended', wording: clean }, 'console.done.amended');
                setEditing(false);
              }}
              reason={saveReason}
            >
              <Pictogram name="check" size={20} /> {t('console.consent.save_wording')}
            </Action>
            <Action onClick={() => setEditing(false)}>{t('console.consent.cancel')}</Action>
          </div>
        </div>
      )}
    </li>
  );
}

// --- the session: log, close ---------------------------------------------------------------------

function SessionSection(props: { view: SessionView; run: Run; sessionId: string; token: string; onNotice: (n: Notice) => void }) {
  const { view, run, sessionId, token, onNotice } = props;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  // The facilitator's two files, fetched with the token (a plain link could not carry it).
  const download = async (path: string, filename: string, done: string) => {
    setBusy(true);
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        onNotice({ kind: 'error', text: refusalText(body ?? { code: 'unavailable' }), at: Date.now() });
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      onNotice({ kind: 'ok', text: t(done), at: Date.now() });
    } catch {
      onNotice({ kind: 'error', text: t('console.download_failed'), at: Date.now() });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (confirming) document.getElementById('confirm-close')?.focus();
  }, [confirming]);
  return (
    <Section id="session" title={t('console.nav.session')}>
      <div class="mk-actions">
        <Action
          onClick={() => download('log', `metrokawa-${sessionId}.mkawa`, 'console.done.downloaded')}
          reason={busy ? t('console.reason.downloading') : null}
        >
          <Pictogram name="download" size={20} /> {t('console.session.download')}
        </Action>
        <Action
          onClick={() => download('report?format=html', `cahier-${sessionId}.html`, 'console.done.report')}
          reason={busy ? t('console.reason.downloading') : null}
        >
          <Pictogram name="download" size={20} /> {t('console.session.report')}
        </Action>
      </div>
      {!confirming ? (
        <div class="mk-actions">
          <Action variant="danger" onClick={() => setConfirming(true)} reason={view.closed ? t('console.reason.closed') : null}>
            <Pictogram name="stop" size={20} /> {t('console.session.close')}
          </Action>
        </div>
      ) : (
        <div class="mk-confirm" role="group" aria-labelledby="confirm-close-text">
          <p id="confirm-close-text"><Pictogram name="warning" size={20} /> {t('console.session.confirm_text')}</p>
          <div class="mk-actions">
            <button
              id="confirm-close"
              type="button"
              class="mk-btn mk-btn-danger"
              onClick={() => {
                setConfirming(false);
                run('CloseSession', undefined, 'console.done.closed');
              }}
            >
              {t('console.session.confirm')}
            </button>
            <button type="button" class="mk-btn mk-btn-secondary" onClick={() => setConfirming(false)}>
              {t('console.session.cancel')}
            </button>
          </div>
        </div>
      )}
    </Section>
  );
}
