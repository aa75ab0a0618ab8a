/**
 * /t/{code}/{table}#token=…: a table's shared tablet, for people without a phone. The link's token
 * travels in the fragment (never in a request, never in a log); the tablet connects with it as
 * the table tablet `tb1`, `tb2`… (docs/protocol.md, role `tablet`).
 *
 * One screen at a time, for someone who never used a tablet: the list of the table's members in
 * big names (and « Je ne suis pas dans la liste »); a tap on a name opens one action for that
 * member — their positions on the published statements while a round runs, or their ballot while
 * a vote is open — recorded for them (RecordPosition, RecordBallot); « J'ai fini » goes back to the
 * list. Nothing of the previous member's choice stays once back at the list: the choices live in
 * the member's screen only, and the tablet never shows positions it did not just record (the
 * command's ack says it worked).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { tokenFromHash } from '../../address';
import { usePending, useStore } from '../../hooks';
import { LangSwitch, errorText, t, useLang } from '../../i18n';
import { Connection, type Refusal } from '../../protocol';
import { currentRound, openVote, type SessionView, type VoteView } from '../../state';
import { Button } from '../../ui/Button';
import { ConnectionIndicator } from '../../ui/ConnectionIndicator';
import { LiveRegion, announce } from '../../ui/Live';
import { Pictogram } from '../../ui/Pictogram';
import { ProposalGrades } from '../Ballot';
import { PositionScale } from '../../ui/PositionScale';
import type { SessionInfo } from '../storage';
import { AddMember } from './AddMember';

/** /t/{code}/{table}: the join code and the table number, or null. */
export function tableFromLocation(loc: { pathname: string }): { code: string; table: number } | null {
  const match = /^\/t\/([A-Za-z0-9]+)\/(\d{1,4})\/?$/.exec(loc.pathname);
  return match ? { code: match[1]!.toUpperCase(), table: Number(match[2]) } : null;
}

type Screen = { kind: 'list' } | { kind: 'member'; id: string } | { kind: 'join' };

export function TableTabletApp(props: { code: string; table: number }) {
  useLang();
  const token = tokenFromHash(location.hash);
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [failed, setFailed] = useState<string | null>(token ? null : t('tt.no_token'));
  useEffect(() => {
    if (!token) return;
    fetch(`/api/codes/${encodeURIComponent(props.code)}`, { headers: { Accept: 'application/json' } })
      .then(async (r) => {
        if (!r.ok) throw new Error(String(r.status));
        setInfo((await r.json()) as SessionInfo);
      })
      .catch(() => setFailed(t('tt.not_found')));
  }, [props.code]);
  useEffect(() => {
    document.title = t('tt.doc_title', { table: props.table });
  }, [props.table, useLang()]);
  return (
    <>
      {info && token ? (
        <Tablet info={info} table={props.table} token={token} />
      ) : (
        <Frame title={t('tt.title', { table: props.table })}>
          <p class={failed ? 'mk-error' : ''}>
            <Pictogram name={failed ? 'warning' : 'connecting'} /> {failed ?? t('common.loading')}
          </p>
        </Frame>
      )}
      <LiveRegion />
    </>
  );
}

function Frame(props: { title: string; children: any; conn?: Connection }) {
  return (
    <>
      <a class="mk-skip" href="#main">
        {t('p.skip')}
      </a>
      <header class="mk-header mk-tablet-header">
        <p class="mk-header-title">
          <Pictogram name="users" /> {props.title}
        </p>
        {props.conn && <ConnectionIndicator conn={props.conn} />}
        <LangSwitch />
      </header>
      <main id="main" class="mk-main mk-tt">
        {props.children}
      </main>
    </>
  );
}

function Tablet(props: { info: SessionInfo; table: number; token: string }) {
  const { info, table, token } = props;
  const conn = useMemo(
    () => new Connection({ sessionId: info.id, hello: () => ({ token }), storageKey: `metrokawa:tablet-outbox:${info.id}:${table}` }),
    [info.id, token],
  );
  const [cut, setCut] = useState<string | null>(null);
  useEffect(() => {
    const off = conn.onClose((code, fatal) => {
      if (!fatal) return;
      conn.clearPending();
      setCut(code === 4403 ? t('tt.revoked') : t('error.bad_token'));
    });
    conn.start();
    return () => {
      off();
      conn.stop();
    };
  }, [conn]);
  const s = useStore(conn);
  usePending(conn);
  const [screen, setScreen] = useState<Screen>({ kind: 'list' });
  const back = () => setScreen({ kind: 'list' });
  const title = t('tt.title', { table });
  let body;
  if (cut) {
    body = (
      <p class="mk-error" data-testid="tablet-cut">
        <Pictogram name="warning" /> {cut}
      </p>
    );
  } else if (!conn.store.loaded) {
    body = (
      <p class="mk-banner mk-banner-info">
        <Pictogram name="connecting" /> {t('p.connecting')}
      </p>
    );
  } else if (screen.kind === 'member' && s.participants[screen.id]) {
    body = <Member conn={conn} s={s} member={screen.id} onDone={back} key={screen.id} />;
  } else if (screen.kind === 'join') {
    body = <AddMember conn={conn} s={s} onDone={back} />;
  } else {
    body = <Members s={s} table={table} onPick={(id) => setScreen({ kind: 'member', id })} onJoin={() => setScreen({ kind: 'join' })} />;
  }
  return (
    <Frame title={s.title || info.title} conn={conn}>
      <h1 id="tt-title" tabIndex={-1}>
        {title}
      </h1>
      {body}
    </Frame>
  );
}

/** The list: a big button per member of the table, then « Je ne suis pas dans la liste ». */
function Members(props: { s: SessionView; table: number; onPick: (id: string) => void; onJoin: () => void }) {
  const { s, table } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const members = s.tables[String(table)]?.members ?? [];
  if (s.closed) return <p class="mk-banner mk-banner-info"><Pictogram name="info" /> {t('p.closed')}</p>;
  return (
    <section aria-labelledby="tt-list-title">
      <h2 id="tt-list-title" ref={heading} tabIndex={-1}>
        {t('tt.list.title')}
      </h2>
      {members.length === 0 ? (
        <p>{t('tt.list.empty')}</p>
      ) : (
        <ul class="mk-tt-names" data-testid="tablet-members">
          {members.map((id) => (
            <li key={id}>
              <button type="button" class="mk-btn mk-btn-secondary mk-tt-name" data-member={id} onClick={() => props.onPick(id)}>
                <Pictogram name="user" size={28} />
                <span>{s.participants[id]?.pseudonym ?? id}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <Button icon="plus" onClick={props.onJoin} class="mk-tt-join" data-testid="tablet-not-listed">
        {t('tt.list.not_listed')}
      </Button>
    </section>
  );
}

/** One member's turn: their positions on the published statements (a round running), or their
 *  ballot (a vote open). Choices are kept in this component only: gone once back at the list. */
function Member(props: { conn: Connection; s: SessionView; member: string; onDone: () => void }) {
  const { conn, s, member } = props;
  const name = s.participants[member]?.pseudonym ?? member;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const vote = openVote(s);
  const round = currentRound(s);
  const running = round?.status === 'running';
  const published = Object.values(s.statements).filter((st) => st.status === 'published');
  return (
    <section aria-labelledby="tt-member-title" data-testid="tablet-member" data-member={member}>
      <h2 id="tt-member-title" ref={heading} tabIndex={-1} class="mk-tt-hello">
        {t('tt.member.hello', { name })}
      </h2>
      {vote ? (
        <MemberBallot conn={conn} s={s} member={member} vote={vote} onDone={props.onDone} />
      ) : running && published.length ? (
        <MemberPositions conn={conn} s={s} member={member} />
      ) : (
        <p data-testid="tablet-nothing">
          <Pictogram name="info" /> {t('tt.member.nothing')}
        </p>
      )}
      {!vote && (
        <Button variant="primary" icon="check" onClick={props.onDone} class="mk-tt-done" data-testid="tablet-done">
          {t('tt.member.done')}
        </Button>
      )}
    </section>
  );
}

function refusal(r: unknown): string {
  const code = (r as Refusal)?.code ?? 'unknown';
  return errorText(code, (r as Refusal)?.message);
}

function MemberPositions(props: { conn: Connection; s: SessionView; member: string }) {
  const { conn, s, member } = props;
  const [chosen, setChosen] = useState<Record<string, number | null>>({});
  const [waiting, setWaiting] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const published = Object.values(s.statements).filter((st) => st.status === 'published');
  const choose = (statement: string, value: number | null) => {
    setChosen((c) => ({ ...c, [statement]: value }));
    setWaiting((w) => ({ ...w, [statement]: true }));
    conn.send('RecordPosition', { participant: member, statement, value }).then(
      () => {
        setWaiting((w) => ({ ...w, [statement]: false }));
        setError(null);
        announce(t('tt.member.recorded'));
      },
      (r: unknown) => {
        setChosen((c) => {
          const next = { ...c };
          delete next[statement];
          return next;
        });
        setWaiting((w) => ({ ...w, [statement]: false }));
        setError(refusal(r));
        announce(refusal(r));
      },
    );
  };
  return (
    <>
      <p>{t('tt.member.positions_intro')}</p>
      <ol class="mk-list mk-tt-statements">
        {published.map((st) => (
          <li key={st.id} class="mk-statement" data-statement={st.id}>
            <p class="mk-statement-text" id={`tt-st-${st.id}`}>
              {st.text}
            </p>
            <PositionScale
              statement={st.id}
              value={st.id in chosen ? (chosen[st.id] as any) : undefined}
              pending={!!waiting[st.id]}
              label={t('tt.member.position_of', { text: st.text ?? '' })}
              onChoose={(v) => choose(st.id, v)}
            />
          </li>
        ))}
      </ol>
      {error && (
        <p class="mk-error" role="alert">
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
    </>
  );
}

function MemberBallot(props: { conn: Connection; s: SessionView; member: string; vote: VoteView; onDone: () => void }) {
  const { conn, s, member, vote } = props;
  const [grades, setGrades] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    if (sending) return;
    const missing = vote.proposals.filter((p) => grades[p] === undefined);
    if (missing.length) {
      setError(t('tt.ballot.missing'));
      document.getElementById(`tt-grade-${missing[0]}-0`)?.focus();
      return;
    }
    setSending(true);
    conn.send('RecordBallot', { participant: member, vote: vote.id, grades }).then(
      () => {
        announce(t('tt.ballot.done'));
        props.onDone();
      },
      (r: unknown) => {
        setSending(false);
        setError(refusal(r));
        announce(refusal(r));
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate data-testid="tablet-ballot">
      <p>{t('tt.ballot.intro')}</p>
      {vote.proposals.map((pid, i) => (
        <ProposalGrades
          key={pid}
          proposal={pid}
          n={i + 1}
          text={s.proposals[pid]?.text ?? pid}
          idPrefix="tt-grade"
          grade={grades[pid]}
          onChoose={(g) => setGrades((prev) => ({ ...prev, [pid]: g }))}
        />
      ))}
      {error && (
        <p class="mk-error" role="alert">
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
      <div class="mk-row">
        <Button type="submit" variant="primary" icon="send" unavailable={sending} data-testid="tablet-ballot-send">
          {t('tt.ballot.submit')}
        </Button>
        <Button icon="arrow" onClick={props.onDone} data-testid="tablet-back">
          {t('tt.member.back')}
        </Button>
      </div>
    </form>
  );
}
