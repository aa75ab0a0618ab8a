/**
 * The participant's tablet once joined: connection with the participant token, my table and
 * its host, the round (prompt, countdown), writing statements, positions on the published ones,
 * notes, the ballot of an open vote, the results on show, the consent round and the vœux, and
 * the host's synthesis form.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { usePending, useStore } from '../hooks';
import { LangSwitch, errorText, t, useLang } from '../i18n';
import { Connection, type Ack, type Refusal } from '../protocol';
import { currentRound, hostOfTable, hostedTable, isWritingOpen, openVote, tableMembers, tableOf } from '../state';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown } from '../ui/Countdown';
import { LiveRegion, announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { Ballot } from './Ballot';
import { Compose, MyStatements } from './Compose';
import { ConsentRounds } from './Consent';
import type { Ctx } from './ctx';
import { NoteForm, NoteList } from './NoteForm';
import { Results } from './Results';
import { StatementList } from './Statements';
import { Synthesis } from './Synthesis';
import { keys, type Identity, type SessionInfo } from './storage';

export function Tablet(props: { info: SessionInfo; identity: Identity; onForget: (message: string) => void }) {
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
      if ('code' in result) announce(t('p.refused', { what: t(`p.cmd.${cmd.type}`), why: errorText(result.code, result.message) }));
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
  const ctx: Ctx = { conn, s, me, sessionId: info.id, pending };
  const loaded = conn.store.loaded;
  const self = s.participants[me];

  return (
    <>
      <a class="mk-skip" href="#main">
        {t('p.skip')}
      </a>
      <header class="mk-header">
        <p class="mk-header-title">{s.title || info.title}</p>
        <ConnectionIndicator conn={conn} />
        <LangSwitch />
      </header>
      <main id="main" class="mk-main">
        <h1 class="mk-sr-only">{t('p.title', { title: s.title || info.title })}</h1>
        {!loaded ? (
          <p class="mk-banner mk-banner-info" role="status">
            <Pictogram name="connecting" /> {t('p.connecting')}
          </p>
        ) : (
          <>
            {s.closed && (
              <p class="mk-banner mk-banner-info" role="status">
                <Pictogram name="info" /> {t('p.closed')}
              </p>
            )}
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
      <LiveRegion />
    </>
  );
}

function MyTable({ ctx }: { ctx: Ctx }) {
  const { s, me } = ctx;
  const table = tableOf(s, me);
  const host = table != null ? hostOfTable(s, table) : null;
  const mates = table != null ? tableMembers(s, table) : [];
  // Announce a new table (seating, rotation).
  useEffect(() => {
    if (table != null) announce(t('p.table.now', { n: table }));
  }, [table]);
  return (
    <section class="mk-card mk-table-card" aria-labelledby="table-title">
      <h2 id="table-title">
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
        </>
      )}
    </section>
  );
}

function RoundCard({ ctx }: { ctx: Ctx }) {
  const { s, conn } = ctx;
  const round = currentRound(s);
  useEffect(() => {
    if (!round) return;
    announce(`${t('round.number', { n: round.number })} : ${t(`round.status.${round.status}`)}`);
  }, [round?.number, round?.status]);
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
            <span class={`mk-chip mk-round-status-${round.status}`}>{t(`round.status.${round.status}`)}</span>
          </div>
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
  return <Synthesis ctx={ctx} round={round} table={table} />;
}

function TableNote({ ctx }: { ctx: Ctx }) {
  const { s, me } = ctx;
  const table = tableOf(s, me);
  const [open, setOpen] = useState(false);
  if (table == null) return null;
  const running = isWritingOpen(s);
  const notes = s.annotations.filter((a) => a.table === table);
  return (
    <section class="mk-card" aria-labelledby="table-note-title">
      <h2 id="table-note-title">
        <Pictogram name="note" /> {t('p.note.table_title', { n: table })}
      </h2>
      {notes.length > 0 && (
        <NoteList s={s} notes={notes} />
      )}
      {open ? (
        <NoteForm ctx={ctx} target={{ table }} onDone={() => setOpen(false)} idPrefix="table-note" />
      ) : (
        <button type="button" class="mk-btn mk-btn-secondary" onClick={() => setOpen(true)} disabled={!running}>
          <Pictogram name="pencil" /> <span>{t('p.note.add_table')}</span>
        </button>
      )}
      {!running && <p class="mk-hint">{t('p.round_closed_hint')}</p>}
    </section>
  );
}
