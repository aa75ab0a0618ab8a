/**
 * The participant's tablet once joined: connection with the participant token, my table and
 * its host, the round (prompt, countdown), writing statements, positions on the published ones,
 * notes, the ballot of an open vote, the results on show, the consent round and the vœux, and
 * the host's synthesis form. The header scrolls away with the page (on a phone a pinned header
 * took a quarter of the screen, a third at 200 % text).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useNow, usePending, useStore } from '../hooks';
import { LangSwitch, t, useLang } from '../i18n';
import { Connection, type Ack, type Refusal } from '../protocol';
import { currentRound, hostOfTable, hostedTable, openVote, tableMembers, tableOf } from '../state';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown } from '../ui/Countdown';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { Ballot } from './Ballot';
import { Compose, MyStatements } from './Compose';
import { ConsentRounds } from './Consent';
import type { Ctx, Writing } from './ctx';
import { Forum } from './forum/Forum';
import { momentsBetween, seenOf, type Seen } from './moments';
import { NoteForm, NoteList, UnsentNotes } from './NoteForm';
import { Results } from './Results';
import { SignalSwitch, useRoundSignals } from './RoundSignal';
import { StatementList } from './Statements';
import { Synthesis } from './Synthesis';
import { HandOver, LeftBanner, useBecameHost } from './Live';
import { ForMember } from './table/ForMember';
import { keys, type Identity, type SessionInfo } from './storage';
import { unsentReason, useUnsent } from './unsent';
import { WritingHint, useWriting } from './writing';

export function Tablet(props: {
  info: SessionInfo;
  identity: Identity;
  onForget: (message: string) => void;
  /** move the focus to the first section once the session is loaded (just joined: the form
   *  that had it is gone) */
  focusOnLoad?: boolean;
}) {
  useLang();
  const { info, identity } = props;
  const conn = useMemo(
    () =>
      new Connection({
        sessionId: info.id,
        hello: () => ({ token: identity.token }),
        storageKey: keys.outbox(info.id, identity.you),
      }),
    [info.id, identity.token],
  );
  useEffect(() => {
    const offClose = conn.onClose((code, fatal) => {
      if (!fatal) return;
      if (code === 4401) {
        conn.clearPending();
        props.onForget(t('p.token_invalid'));
      }
    });
    const offResult = conn.onResult((cmd, result: Ack | Refusal) => {
      if ('code' in result) announce(t('p.refused', { what: t(`p.cmd.${cmd.type}`), why: unsentReason(result.code, result.message) }));
    });
    conn.start();
    return () => {
      offClose();
      offResult();
      conn.stop();
    };
  }, [conn]);

  const s = useStore(conn);
  const pending = usePending(conn);
  const me = conn.welcome?.you ?? identity.you;
  const roundWriting = useWriting(conn, s);
  // A forum has no round: writing is open for as long as the session is.
  const writing: Writing = s.forum ? (s.closed ? 'shut' : 'open') : roundWriting;
  const unsent = useUnsent(conn, info.id, me);
  const ctx: Ctx = { conn, s, me, sessionId: info.id, pending, writing, unsent };
  const loaded = conn.store.loaded;
  const self = s.participants[me];
  useRoundSignals(currentRound(s), writing === 'time_up', loaded); // the end's signal, the screen awake

  const focusFirst = useRef(!!props.focusOnLoad);
  useEffect(() => {
    if (!loaded || !focusFirst.current) return;
    focusFirst.current = false;
    document.getElementById(conn.store.state.forum ? 'forum-title' : 'table-title')?.focus();
  }, [loaded]);

  return (
    <>
      <a class="mk-skip" href="#main">
        {t('p.skip')}
      </a>
      <header class="mk-header mk-tablet-header">
        <p class="mk-header-title">{s.title || info.title}</p>
        <ConnectionIndicator conn={conn} />
        <LangSwitch />
      </header>
      <main id="main" class="mk-main">
        <h1 class="mk-sr-only">{t('p.title', { title: s.title || info.title })}</h1>
        {!loaded ? (
          <p class="mk-banner mk-banner-info">
            <Pictogram name="connecting" /> {t('p.connecting')}
          </p>
        ) : (
          <>
            <Moments ctx={ctx} />
            {s.closed && (
              <p class="mk-banner mk-banner-info">
                <Pictogram name="info" /> {t('p.closed')}
              </p>
            )}
            <LeftBanner ctx={ctx} />
            {s.forum ? <Forum ctx={ctx} /> : <Rounds ctx={ctx} />}
          </>
        )}
      </main>
      <footer class="mk-footer">
        {self ? (
          <p>
            <Pictogram name="user" size={18} /> {t('p.you_are', { name: self.pseudonym })}
            {' · '}
            {t(`role.${self.role}`)}
            {' · '}
            {s.territories[self.territory]?.name ?? ''}
          </p>
        ) : (
          identity.pseudonym && (
            <p>
              <Pictogram name="user" size={18} /> {t('p.you_are', { name: identity.pseudonym })}
            </p>
          )
        )}
        <p>{t('p.code_reminder', { code: info.code })}</p>
      </footer>
    </>
  );
}

/** A live session's cards: my table, the round, the host's, the vote, the results, the consent
 *  rounds, writing and following statements, the table's notes. */
function Rounds({ ctx }: { ctx: Ctx }) {
  const { s } = ctx;
  return (
    <>
      <MyTable ctx={ctx} />
      <RoundCard ctx={ctx} />
      <HostCard ctx={ctx} />
      {openVote(s) && <Ballot ctx={ctx} vote={openVote(s)!} />}
      {s.results && <Results ctx={ctx} />}
      <ConsentRounds ctx={ctx} />
      <Compose ctx={ctx} />
      <MyStatements ctx={ctx} />
      <StatementList ctx={ctx} />
      <TableNote ctx={ctx} />
    </>
  );
}

/** Says the session's moments (moments.ts) as they happen; draws nothing. Its own component, so
 *  that the clock ticking every second redraws only it. */
function Moments({ ctx }: { ctx: Ctx }) {
  const { s, me, conn, writing } = ctx;
  const now = useNow(conn, 1000);
  const seen = useRef<Seen | null>(null);
  useEffect(() => {
    const after = seenOf(s, me, now, writing);
    const before = seen.current;
    seen.current = after;
    if (before) for (const sentence of momentsBetween(before, after, s)) announce(sentence);
  });
  return null;
}

function MyTable({ ctx }: { ctx: Ctx }) {
  const { s, me } = ctx;
  const table = tableOf(s, me);
  const host = table != null ? hostOfTable(s, table) : null;
  const mates = table != null ? tableMembers(s, table) : [];
  useBecameHost(ctx, host);
  // Announce a new table (seating, rotation), not the one the page opened with.
  const shown = useRef(table);
  useEffect(() => {
    if (table != null && table !== shown.current) announce(t('p.table.now', { n: table }));
    shown.current = table;
  }, [table]);
  return (
    <section class="mk-card mk-table-card" aria-labelledby="table-title">
      <h2 id="table-title" tabIndex={-1}>
        <Pictogram name="table" /> {t('p.table.title')}
      </h2>
      {table == null ? (
        <p>{t('p.table.none')}</p>
      ) : (
        <>
          <p class="mk-table-number">
            {t('p.table.label')} <strong data-testid="table-number">{table}</strong>
            {host === me && (
              <span class="mk-chip mk-chip-host" data-testid="host-badge">
                <Pictogram name="star" size={16} /> {t('p.host.you')}
              </span>
            )}
          </p>
          <h3 class="mk-sr-only">{t('p.table.mates')}</h3>
          <ul class="mk-mates" data-testid="table-mates" aria-label={t('p.table.mates')}>
            {mates.map((p) => (
              <li key={p.id} data-participant-id={p.id} class={p.id === me ? 'mk-mate-me' : ''}>
                <span class="mk-mate-name">{p.pseudonym}</span>
                {p.id === me && <span class="mk-chip mk-chip-me">{t('common.you')}</span>}
                {p.id === host && host !== me && (
                  <span class="mk-chip mk-chip-host" data-testid="host-badge">
                    <Pictogram name="star" size={16} /> {t('host.badge')}
                  </span>
                )}
                <span class="mk-muted mk-mate-role">{t(`role.${p.role}`)}</span>
              </li>
            ))}
          </ul>
          {host === me && <HandOver ctx={ctx} mates={mates} />}
        </>
      )}
    </section>
  );
}

function RoundCard({ ctx }: { ctx: Ctx }) {
  const { s, conn, writing } = ctx;
  const round = currentRound(s);
  // A round past its deadline on this device's clock is over for writing, whatever the last
  // event said: never « En cours » at 0:00.
  const status = writing === 'time_up' ? 'time_up' : round?.status;
  return (
    <section class="mk-card mk-round-card" aria-labelledby="round-title">
      <h2 id="round-title">
        <Pictogram name="clock" />
        {round ? `${t('round.number', { n: round.number })} · ${t(`round.kind.${round.spec.kind}`)}` : t('p.round.title')}
      </h2>
      {round ? (
        <>
          <p class="mk-prompt" data-testid="round-prompt">
            {round.spec.prompt}
          </p>
          <div class="mk-row">
            <Countdown round={round} conn={conn} />
            <span class={`mk-chip mk-round-status-${status}`} data-testid="round-status" data-status={status}>
              {status === 'time_up' ? t('p.round.time_up') : t(`round.status.${status}`)}
            </span>
          </div>
          {writing === 'time_up' && (
            <p class="mk-banner" data-testid="time-up">
              <Pictogram name="clock" /> {t('p.round.time_up_hint')}
            </p>
          )}
          <SignalSwitch />
        </>
      ) : (
        <p>{t('round.none')}</p>
      )}
    </section>
  );
}

function HostCard({ ctx }: { ctx: Ctx }) {
  const { s, me } = ctx;
  const round = currentRound(s);
  const table = hostedTable(s, me);
  if (!round || table == null || round.status === 'pending') return null;
  const mates = tableMembers(s, table);
  return (
    <>
      <Synthesis ctx={ctx} round={round} table={table} />
      <ForMember ctx={ctx} table={table} mates={mates} code={ctx.conn.welcome?.session.code ?? ''} />
    </>
  );
}

function TableNote({ ctx }: { ctx: Ctx }) {
  const { s, me, writing } = ctx;
  const table = tableOf(s, me);
  const [open, setOpen] = useState(false);
  const addNote = useRef<HTMLButtonElement>(null);
  if (table == null) return null;
  const notes = s.annotations.filter((a) => a.table === table);
  return (
    <section class="mk-card" aria-labelledby="table-note-title">
      <h2 id="table-note-title">
        <Pictogram name="note" /> {t('p.note.table_title', { n: table })}
      </h2>
      {notes.length > 0 && <NoteList s={s} notes={notes} />}
      <UnsentNotes ctx={ctx} target={{ table }} />
      {open && writing === 'open' ? (
        <NoteForm
          ctx={ctx}
          target={{ table }}
          onDone={() => {
            setOpen(false);
            setTimeout(() => addNote.current?.focus(), 0); // the form that had the focus is gone
          }}
          idPrefix="table-note"
        />
      ) : (
        <button type="button" ref={addNote} class="mk-btn mk-btn-secondary" onClick={() => setOpen(true)} disabled={writing !== 'open'}>
          <Pictogram name="pencil" /> <span>{t('p.note.add_table')}</span>
        </button>
      )}
      {writing !== 'open' && <WritingHint writing={writing} />}
    </section>
  );
}
