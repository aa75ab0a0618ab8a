// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { LogError, parseLog } from '../src/replay/log';
import { statementScopes, suppressed } from '../src/replay/opinions';
import { rankProfiles } from '../src/majority';
import { MAX_GAP_MS, Timeline, applyExtra, checkpointInterval, emptyExtras, indexAtTime, playTimes } from '../src/replay/timeline';
import { SessionStore, emptySession, objectionsOf, openConsent, pendingObjections, voeuOf, voeuxInOrder, voteTally, type Envelope } from '../src/state';
import { SEEKS, longSession } from './long-session';

const REPLAYS = new URL('../../../replays/', import.meta.url);
const demo = () => new Uint8Array(readFileSync(new URL('demo-metrokawa-120.mkawa', REPLAYS)));
const header = { format: 'metrokawa-log', format_version: 1, session: 'x', title: 'T', created_at: 0, schemas: {} };
const created: Envelope = {
  seq: 1, type: 'SessionCreated', v: 1, at: 1000, actor: 'facilitator', cmd: null,
  data: { title: 'T', territories: [{ id: 't1', name: 'A', commune: 'a', qpv: false }], agenda: [], table_size: 6, host_policy: 'rotate' },
};
function file(...records: unknown[]): Uint8Array {
  const parts = records.map((r) => encode(r));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function errorOf(f: () => unknown): LogError {
  try {
    f();
  } catch (e) {
    if (e instanceof LogError) return e;
    throw e;
  }
  throw new Error('no error');
}
function fold(events: Envelope[], until: number) {
  const store = new SessionStore();
  store.reset(emptySession(), 0);
  for (const e of events) if (e.seq <= until) store.apply(e);
  return store.state;
}

function foldExtras(events: Envelope[], until: number) {
  const x = emptyExtras();
  for (const e of events) if (e.seq <= until) applyExtra(x, e);
  return x;
}
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** A short session with a vote, a consent round ending in a vœu and one abandoned. */
function consentLog(): Envelope[] {
  const log: Envelope[] = [];
  const add = (type: string, data: any, actor = 'facilitator') =>
    log.push({ seq: log.length + 1, type, v: 1, at: 1000 + log.length * 1000, actor, cmd: null, data });
  add('SessionCreated', { ...created.data, agenda: [{ kind: 'table', prompt: 'Quoi ?', duration_ms: 60_000 }] });
  for (const p of ['p1', 'p2', 'p3']) {
    add('ParticipantJoined', { participant: p, pseudonym: p.toUpperCase(), territory: 't1', role: 'habitant', stays_seated: false, consent: true }, p);
  }
  add('RoundStarted', { round: 1, deadline: 70_000 });
  for (const s of ['s1', 's2']) {
    add('StatementProposed', { statement: s, author: 'p1', text: `Énoncé ${s}`, kind: 'problem', round: 1, table: null }, 'p1');
    add('StatementPublished', { statement: s });
  }
  add('PositionTaken', { participant: 'p1', statement: 's1', value: 2, round: 1 }, 'p1');
  add('PositionTaken', { participant: 'p2', statement: 's2', value: -1, round: 1 }, 'p2');
  add('ProposalPromoted', { proposal: 'pr1', statement: 's1', text: 'Des bancs' });
  add('ProposalPromoted', { proposal: 'pr2', statement: 's2', text: 'Des arbres' });
  add('VoteOpened', { vote: 'v1', proposals: ['pr1', 'pr2'] });
  for (const p of ['p1', 'p2', 'p3']) add('BallotCast', { vote: 'v1', participant: p, grades: { pr1: 5, pr2: 4 } }, p);
  add('VoteClosed', { vote: 'v1' });
  add('ConsentOpened', { consent: 'c1', proposal: 'pr1', vote: 'v1', grade: 5, text: 'Des bancs' });
  add('ObjectionRaised', { objection: 'o1', consent: 'c1', author: 'p2', text: 'Et à l’ombre ?' }, 'p2');
  add('PositionTaken', { participant: 'p3', statement: 's1', value: 1, round: 1 }, 'p3');
  add('ObjectionRaised', { objection: 'o2', consent: 'c1', author: 'p3', text: 'Trop cher.' }, 'p3');
  add('ObjectionResolved', { objection: 'o1', consent: 'c1', resolution: 'amended', wording: 'Des bancs à l’ombre' });
  add('ObjectionResolved', { objection: 'o2', consent: 'c1', resolution: 'withdrawn', wording: null });
  add('VoeuAdopted', { voeu: 'vx1', consent: 'c1', proposal: 'pr1', text: 'Des bancs à l’ombre', outcome: 'Adopté sans objection.' });
  add('ConsentOpened', { consent: 'c2', proposal: 'pr2', vote: 'v1', grade: 4, text: 'Des arbres' });
  add('ObjectionRaised', { objection: 'o3', consent: 'c2', author: 'p1', text: 'Pas ici.' }, 'p1');
  add('ConsentAbandoned', { consent: 'c2', reason: 'session_closed' });
  add('SessionClosed', {});
  return log;
}

describe('parseLog', () => {
  it('reads the demo archive', () => {
    const { header: h, events } = parseLog(demo());
    expect(h.format).toBe('metrokawa-log');
    expect(h.title).toMatch(/Grand Paris/);
    expect(events).toHaveLength(4242);
    expect(events[0]!.type).toBe('SessionCreated');
    expect(events[4241]!.type).toBe('SessionClosed');
  });

  it('refuses what is not a .mkawa, a newer version, a broken or headless log', () => {
    expect(errorOf(() => parseLog(new Uint8Array())).code).toBe('empty');
    expect(errorOf(() => parseLog(new TextEncoder().encode('{"hello": 1}'))).code).toBe('not_mkawa');
    expect(errorOf(() => parseLog(file({ ...header, format: 'other' }, created))).code).toBe('not_mkawa');
    const newer = errorOf(() => parseLog(file({ ...header, format_version: 2 }, created)));
    expect(newer.code).toBe('newer_version');
    expect(newer.params.version).toBe(2);
    expect(errorOf(() => parseLog(file(header))).code).toBe('no_events');
    expect(errorOf(() => parseLog(file(header, { ...created, type: 'ParticipantJoined' }))).code).toBe('no_session_created');
    expect(errorOf(() => parseLog(file(header, created, { ...created, seq: 3 }))).code).toBe('bad_event');
    const whole = file(header, created, { ...created, seq: 2, type: 'SessionClosed', data: {} });
    const cut = errorOf(() => parseLog(whole.slice(0, whole.length - 3)));
    expect(cut.code).toBe('corrupt');
    expect(cut.params.n).toBe(1);
  });
});

describe('Timeline', () => {
  const { events } = parseLog(demo());
  const timeline = new Timeline(events);

  it('keeps a checkpoint every 500 events', () => {
    expect(timeline.checkpoints.map((c) => c.seq)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
  });

  it('gives the same state as folding from the start, whatever the path', () => {
    const cursor = timeline.cursor();
    for (const seq of [110, 4242, 2100, 2101, 1999, 500, 499, 0, 3333, 3334, 4000, 12]) {
      cursor.seek(seq);
      expect(cursor.seq).toBe(seq);
      expect(JSON.parse(JSON.stringify(cursor.state))).toEqual(JSON.parse(JSON.stringify(fold(events, seq))));
    }
    cursor.seek(99999);
    expect(cursor.seq).toBe(4242);
    expect(cursor.state.closed).toBe(true);
  });

  it('follows consent rounds and vœux with state.ts, from any point to any point', () => {
    const log = consentLog();
    const last = log.length;
    // Checkpoints every 4 events: some fall inside the consent rounds.
    const tl = new Timeline(log, 4);
    expect(tl.checkpoints.length).toBe(Math.floor(last / 4) + 1);
    const cursor = tl.cursor();
    for (let from = 0; from <= last; from++) {
      for (const to of [...Array(last + 1).keys()]) {
        cursor.seek(from);
        cursor.seek(to);
        expect(cursor.seq).toBe(to);
        expect(plain(cursor.state)).toEqual(plain(fold(log, to)));
        expect(cursor.extras).toEqual(foldExtras(log, to));
      }
    }
    // In the middle of the first round: two objections, one still pending.
    const at = (type: string, n = 1) => log.filter((e) => e.type === type)[n - 1]!.seq;
    cursor.seek(at('ObjectionResolved'));
    expect(openConsent(cursor.state)).toMatchObject({ id: 'c1', text: 'Des bancs à l’ombre' });
    expect(objectionsOf(cursor.state, 'c1').map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(pendingObjections(cursor.state, 'c1').map((o) => o.id)).toEqual(['o2']);
    expect(cursor.extras.lastStatement).toBe('s1');
    expect(voeuxInOrder(cursor.state)).toEqual([]);
    // The end: one vœu, the second round abandoned; and back before the vœu, none again.
    cursor.seek(last);
    expect(voeuxInOrder(cursor.state).map((v) => v.text)).toEqual(['Des bancs à l’ombre']);
    expect(voeuOf(cursor.state, 'pr1')?.outcome).toBe('Adopté sans objection.');
    expect(cursor.state.consents.c2).toMatchObject({ status: 'abandoned', end_reason: 'session_closed' });
    expect(openConsent(cursor.state)).toBeNull();
    cursor.seek(at('VoeuAdopted') - 1);
    expect(voeuxInOrder(cursor.state)).toEqual([]);
    expect(cursor.state.consents.c1!.status).toBe('open');
  });

  it('never changes a checkpoint', () => {
    const before = JSON.stringify(timeline.checkpoints[2]!.state);
    const cursor = timeline.cursor();
    cursor.seek(1000);
    cursor.seek(1400);
    expect(JSON.stringify(timeline.checkpoints[2]!.state)).toBe(before);
  });

  it('compresses long pauses when playing', () => {
    const times = playTimes(events);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(MAX_GAP_MS);
    expect(indexAtTime(times, -1)).toBe(-1);
    expect(indexAtTime(times, 0)).toBe(0);
    expect(indexAtTime(times, times[times.length - 1]!)).toBe(times.length - 1);
    expect(indexAtTime(times, times[100]!)).toBeGreaterThanOrEqual(100);
  });

  it('keeps about 100 checkpoints on a long log: every 500 events, more apart past 50,000', () => {
    const table: [number, number][] = [
      // events, interval
      [0, 500],
      [4242, 500],
      [50_000, 500],
      [50_001, 1000],
      [100_000, 1000],
      [100_001, 1500],
      [1_000_000, 10_000],
    ];
    for (const [events, interval] of table) expect(checkpointInterval(events), `${events} events`).toBe(interval);
  });

  // How fast these seeks are is printed by bench/replay-seek.ts (`npm run bench`), not asserted:
  // a test on a busy 2-core machine cannot tell a slow seek from a slow machine. The timeout only
  // guards against a hang: vitest's default 5 s could be reached on a loaded machine.
  it('seeks anywhere in a 100,000-event log to the state a fold from the start gives', { timeout: 60_000 }, () => {
    const big = longSession(100_000);
    const tl = new Timeline(big);
    expect(tl.checkpoints.map((c) => c.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i * 1000));
    // The expected states, folding once from the start and keeping a copy at each target.
    const expected = new Map<number, unknown>();
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    for (const e of big) {
      store.apply(e);
      if (SEEKS.includes(e.seq)) expected.set(e.seq, plain(store.state));
    }
    const cursor = tl.cursor();
    for (const seq of SEEKS) {
      cursor.seek(seq);
      expect(cursor.seq).toBe(seq);
      expect(plain(cursor.state), `at seq ${seq}`).toEqual(expected.get(seq));
    }
  });
});

describe('final opinions (same rules as the report)', () => {
  const { events } = parseLog(demo());
  const end = new Timeline(events).cursor();
  end.seek(4242);
  const report = JSON.parse(readFileSync(new URL('demo-metrokawa-120.report.json', REPLAYS), 'utf8'));

  it('hides small groups as opinions.py does', () => {
    expect(suppressed([10, 3, 8])).toEqual([false, true, true]);
    expect(suppressed([10, 0, 8])).toEqual([false, true, false]);
    expect(suppressed([10, 2, 3])).toEqual([false, true, true]);
  });

  it('finds the shared and local statements of the report', () => {
    const scopes = statementScopes(end.state);
    // The report lists the shared and local statements only.
    const mine = Object.fromEntries(scopes.filter((s) => s.scope !== 'not_agreed').map((s) => [s.statement, { scope: s.scope, agreedIn: s.agreedIn }]));
    const theirs = Object.fromEntries(report.scopes.map((s: any) => [s.statement.id, { scope: s.scope, agreedIn: s.agreed_in }]));
    expect(mine).toEqual(theirs);
  });

  it('ranks the vote as the report does', () => {
    const ranked = rankProfiles(voteTally(end.state, end.state.votes.v1!), end.state.votes.v1!.proposals);
    const theirs = report.votes[0].proposals.map((p: any) => ({ proposal: p.proposal, rank: p.rank, majorityGrade: p.grade, profile: p.profile }));
    expect(ranked).toEqual(theirs);
  });
});
