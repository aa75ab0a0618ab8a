import { decode, encode } from '@msgpack/msgpack';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, SUBPROTOCOL, newId, socketUrl, type Refusal } from '../src/protocol';

// --- fakes ---------------------------------------------------------------------------------

class MemoryStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.has(k) ? this.map.get(k)! : null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, String(v));
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  clear() {
    this.map.clear();
  }
}

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: any[] = [];
  onopen: ((e: any) => void) | null = null;
  onmessage: ((e: any) => void) | null = null;
  onclose: ((e: any) => void) | null = null;
  onerror: ((e: any) => void) | null = null;
  constructor(
    public url: string,
    public protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: Uint8Array) {
    this.sent.push(decode(data));
  }
  close(code = 1000) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(frame: any) {
    const bytes = encode(frame);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  cmds() {
    return this.sent.filter((f) => f.k === 'cmd');
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1];
const snapshot = { created: true, title: 'S', rounds: [], participants: {}, statements: {}, positions: {} };
const welcome = (seq: number, state: any = snapshot) => ({
  k: 'welcome',
  you: 'p1',
  role: 'participant',
  seq,
  session: { id: 'abc', title: 'S', code: 'ABC123' },
  ...(state ? { state } : {}),
});

function connection(storageKey = 'q') {
  return new Connection({ sessionId: 'abc', hello: () => ({ token: 'tok' }), storageKey, url: 'ws://x/ws/abc', WebSocket: FakeSocket as any });
}

beforeEach(() => {
  FakeSocket.all = [];
  (globalThis as any).localStorage = new MemoryStorage();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

// --- tests ---------------------------------------------------------------------------------

describe('Connection', () => {
  it('says hello with the token and the subprotocol, then goes online on welcome', () => {
    const conn = connection();
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));
    conn.start();
    const ws = last();
    expect(ws.protocols).toEqual([SUBPROTOCOL]);
    expect(ws.binaryType).toBe('arraybuffer');
    ws.open();
    expect(ws.sent[0]).toEqual({ k: 'hello', token: 'tok' }); // no "after" before any state
    ws.push(welcome(7));
    expect(conn.status).toBe('online');
    expect(statuses).toContain('online');
    expect(conn.store.seq).toBe(7);
    expect(conn.store.state.title).toBe('S');
    expect(conn.welcome?.you).toBe('p1');
    expect(ws.sent.some((f) => f.k === 'ping')).toBe(true);
    conn.stop();
  });

  it('sends a command, resolves with its ack after the events, and forgets it', async () => {
    const conn = connection();
    conn.start();
    const ws = last();
    ws.open();
    ws.push(welcome(7));
    const p = conn.send('TakePosition', { statement: 's1', value: 2 });
    expect(conn.pending()).toBe(1);
    const [cmd] = ws.cmds();
    expect(cmd).toMatchObject({ type: 'TakePosition', data: { statement: 's1', value: 2 } });
    expect(cmd.id.length).toBeGreaterThanOrEqual(16);
    ws.push({ k: 'event', seq: 8, type: 'PositionTaken', v: 1, at: 1, actor: 'p1', cmd: null, data: { participant: 'p1', statement: 's1', value: 2, round: 1 } });
    ws.push({ k: 'ack', id: cmd.id, seq: 8 });
    await expect(p).resolves.toEqual({ id: cmd.id, seq: 8 });
    expect(conn.pending()).toBe(0);
    expect(conn.store.state.positions['p1|s1']).toBe(2);
    expect(localStorage.getItem('q')).toBeNull();
    conn.stop();
  });

  it('rejects a refused command with its code and message', async () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(1));
    const p = conn.send('ProposeStatement', { text: 'x' });
    const id = last().cmds()[0].id;
    last().push({ k: 'error', id, code: 'round_closed', message: 'Le tour n’est pas ouvert.' });
    await expect(p).rejects.toEqual({ code: 'round_closed', message: 'Le tour n’est pas ouvert.' } satisfies Refusal);
    expect(conn.pending()).toBe(0);
    conn.stop();
  });

  it('queues commands offline (persisted), re-sends them with the same ids after a reload', async () => {
    const first = connection('outbox');
    first.start();
    last().drop(); // never welcomed: offline
    expect(first.status).toBe('offline');
    first.send('TakePosition', { statement: 's1', value: -1 }).catch(() => {});
    first.send('ProposeStatement', { text: 'Un banc', kind: 'idea' }).catch(() => {});
    expect(first.pending()).toBe(2);
    const stored = JSON.parse(localStorage.getItem('outbox')!);
    expect(stored.map((c: any) => c.type)).toEqual(['TakePosition', 'ProposeStatement']);
    first.stop();

    // A reload: a new Connection finds the queue and sends it, in order, once welcomed.
    const second = connection('outbox');
    expect(second.pending()).toBe(2);
    const results: string[] = [];
    second.onResult((cmd, r) => results.push(`${cmd.type}:${'code' in r ? r.code : r.seq}`));
    second.start();
    const ws = last();
    ws.open();
    expect(ws.cmds()).toHaveLength(0); // not before the welcome
    ws.push(welcome(3));
    const cmds = ws.cmds();
    expect(cmds.map((c) => c.id)).toEqual(stored.map((c: any) => c.id));
    ws.push({ k: 'event', seq: 4, type: 'StatementProposed', v: 1, at: 1, actor: 'participant', cmd: null, data: { statement: 's1', round: 1 } });
    ws.push({ k: 'ack', id: cmds[0].id, seq: 3 });
    ws.push({ k: 'ack', id: cmds[1].id, seq: 4 });
    expect(results).toEqual(['TakePosition:3', 'ProposeStatement:4']);
    expect(second.pending()).toBe(0);
    // Our own statement, known from the ack although its public event carries no text.
    expect(second.store.state.statements.s1).toMatchObject({ author: 'p1', text: 'Un banc', kind: 'idea' });
    second.stop();
  });

  it('re-sends an unanswered command after a reconnection, resuming with after', () => {
    const conn = connection();
    conn.start();
    let ws = last();
    ws.open();
    ws.push(welcome(10));
    conn.send('Annotate', { text: 'n', table: 1 }).catch(() => {});
    const id = ws.cmds()[0].id;
    ws.drop(1006);
    expect(conn.status).toBe('offline');
    vi.advanceTimersByTime(1000); // backoff: 0.25–0.5 s for the first attempt
    ws = last();
    expect(FakeSocket.all).toHaveLength(2);
    ws.open();
    expect(ws.sent[0]).toEqual({ k: 'hello', token: 'tok', after: 10 });
    ws.push(welcome(12, null));
    ws.push({ k: 'events', list: [
      { seq: 11, type: 'SessionClosed', v: 1, at: 1, actor: 'facilitator', cmd: null, data: {} },
      { seq: 12, type: 'ResultsHidden', v: 1, at: 1, actor: 'facilitator', cmd: null, data: {} },
    ] });
    expect(conn.store.seq).toBe(12);
    expect(conn.store.state.closed).toBe(true);
    expect(ws.cmds().map((c) => c.id)).toEqual([id]);
    conn.stop();
  });

  it('backs off exponentially with jitter, up to 15 s', () => {
    const conn = connection();
    conn.start();
    for (let i = 0; i < 8; i++) {
      const before = FakeSocket.all.length;
      last().drop();
      vi.advanceTimersByTime(Math.min(15_000, 500 * 2 ** i) / 2 - 1);
      expect(FakeSocket.all.length).toBe(before); // not before half the base delay
      vi.advanceTimersByTime(Math.min(15_000, 500 * 2 ** i) / 2 + 2);
      expect(FakeSocket.all.length).toBe(before + 1);
    }
    conn.stop();
  });

  it('stops on 4401 and tells the listeners', () => {
    const conn = connection();
    const closes: [number, boolean][] = [];
    conn.onClose((c, f) => closes.push([c, f]));
    conn.start();
    last().open();
    last().push({ k: 'error', id: null, code: 'bad_token', message: 'Ce lien…' });
    last().drop(4401);
    expect(conn.lastError?.code).toBe('bad_token');
    expect(closes).toEqual([[4401, true]]);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('comes back within half a second on 4008, with jitter', () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(1));
    last().drop(4008);
    vi.advanceTimersByTime(249); // not before a quarter of a second: a room does not come back at once
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(252);
    expect(FakeSocket.all).toHaveLength(2);
    conn.stop();
  });

  it('keeps a command refused as unavailable and sends it again with the same id', () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(1));
    conn.send('TakePosition', { statement: 's1', value: 0 }).catch(() => {});
    const id = last().cmds()[0].id;
    last().push({ k: 'error', id, code: 'unavailable', message: '…' });
    expect(conn.pending()).toBe(1);
    vi.advanceTimersByTime(2500);
    expect(last().cmds().map((c) => c.id)).toEqual([id, id]);
    conn.stop();
  });

  it('takes a jump in seq as events that were not for it, and resumes from the last one it holds', () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(5));
    // 6 was another participant's position: not for this connection
    last().push({ k: 'event', seq: 7, type: 'SessionClosed', v: 1, at: 1, actor: 'f', cmd: null, data: {} });
    expect(conn.store.seq).toBe(7);
    expect(conn.store.state.closed).toBe(true);
    expect(FakeSocket.all).toHaveLength(1); // no reconnection
    last().push({ k: 'event', seq: 7, type: 'SessionClosed', v: 1, at: 1, actor: 'f', cmd: null, data: {} });
    expect(conn.store.seq).toBe(7); // held already: skipped
    last().drop();
    vi.advanceTimersByTime(5000);
    last().open();
    expect(last().sent[0]).toEqual({ k: 'hello', token: 'tok', after: 7 });
    conn.stop();
  });

  it('learns its table mates from a table frame', () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(5));
    const mate = { id: 'p7', pseudonym: 'Awa', territory: 't1', role: 'habitant', stays_seated: false, consent: false, table: 2, times_hosted: 0, status: 'present', merged_into: null };
    last().push({ k: 'table', table: 2, participants: { p7: mate } });
    expect(conn.store.state.participants.p7?.pseudonym).toBe('Awa');
    expect(conn.store.seq).toBe(5);
    conn.stop();
  });

  it('keeps the latest tallies frame in the view, across a new snapshot', () => {
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(5));
    const tallies = { k: 'tallies', type: 'tallies', seq: 5, k_anonymity: 5, joined: { total: 1, territories: {}, roles: {} }, statements: [], votes: [] };
    last().push(tallies);
    expect(conn.store.state.tallies?.seq).toBe(5);
    last().push({ ...tallies, seq: 9, joined: { total: 2, territories: {}, roles: {} } });
    expect(conn.store.state.tallies?.joined.total).toBe(2);
    conn.store.reset(snapshot, 12);
    expect(conn.store.state.tallies?.seq).toBe(9);
    conn.stop();
  });

  it('corrects its clock with the pong of the smallest round trip', () => {
    vi.setSystemTime(1_000_000);
    const conn = connection();
    conn.start();
    last().open();
    last().push(welcome(1));
    const ping = last().sent.find((f) => f.k === 'ping');
    expect(ping.t).toBe(1_000_000);
    vi.setSystemTime(1_000_100); // rtt 100: offset = server − (t + now)/2
    last().push({ k: 'pong', t: 1_000_000, server: 1_005_050 });
    expect(conn.serverNow() - Date.now()).toBe(5000);
    vi.setSystemTime(1_002_000);
    last().push({ k: 'pong', t: 1_000_200, server: 1_000_000 }); // rtt 1800: worse, ignored
    expect(conn.serverNow() - Date.now()).toBe(5000);
    conn.stop();
  });

  it('hands presence frames to its listeners', () => {
    const conn = connection();
    const seen: any[] = [];
    conn.onPresence((p) => seen.push(p));
    conn.start();
    last().open();
    last().push(welcome(1));
    last().push({ k: 'presence', participants: ['p1'], tables: { 1: 1 }, territories: { t1: 1 } });
    expect(seen[0].participants).toEqual(['p1']);
    conn.stop();
  });
});

describe('helpers', () => {
  it('makes long random ids even without crypto.randomUUID', () => {
    const saved = globalThis.crypto;
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: (a: Uint8Array) => a.fill(7) }, configurable: true });
    try {
      expect(newId()).toBe('07'.repeat(16));
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: saved, configurable: true });
    }
    expect(newId().length).toBeGreaterThanOrEqual(16);
    expect(newId()).not.toBe(newId());
  });

  it('builds the socket URL from the page', () => {
    expect(socketUrl('abc', { protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/ws/abc');
    expect(socketUrl('abc', { protocol: 'http:', host: 'h' })).toBe('ws://h/ws/abc');
  });
});
