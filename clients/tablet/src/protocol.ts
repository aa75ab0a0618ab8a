/**
 * The WebSocket client of docs/protocol.md: hello → welcome, events applied to a SessionStore,
 * commands with ids (queued in localStorage while offline, re-sent with the same id after a
 * reconnection), resume with `after`, exponential backoff with jitter, ping/pong clock offset.
 */
import { decode, encode } from '@msgpack/msgpack';
import { SessionStore, type Envelope, type Tallies } from './state';

export type { Envelope } from './state';
export { SessionStore } from './state';

export type Role = 'facilitator' | 'participant' | 'guest' | 'projector' | 'tablet';
export type LinkStatus = 'connecting' | 'online' | 'offline';

export interface Welcome {
  you: string;
  role: Role;
  seq: number;
  session: { id: string; title: string; code: string };
  state?: any;
}
export interface Presence {
  participants: string[];
  tables: Record<string, number>;
  territories: Record<string, number>;
}
export interface Refusal {
  code: string;
  message: string;
}
export interface Hello {
  token?: string;
  code?: string;
  view?: 'projector';
}
export interface Ack {
  id: string;
  seq: number;
  you?: string;
  /** the co-facilitator link an AddCoFacilitator gave (its token comes with it, once) */
  cofacilitator?: string;
  /** the table tablet link an IssueTableTablet gave (its token comes with it, once) */
  tablet?: string;
  token?: string;
}

/** A command waiting for its answer (persisted while it waits). */
export interface PendingCommand {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** Date.now() when it was first sent by the user */
  at: number;
}

export const SUBPROTOCOL = 'metrokawa.v1.msgpack';
/** Close codes after which reconnecting is useless (tell the user instead): 4403 is a revoked
 *  co-facilitator link. */
export const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4404]);

const PING_MS = 15_000;
const SILENCE_MS = 40_000; // no frame at all for that long: the link is dead
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;
// The server allows 20 commands/s sustained, bursts of 60: a queue is sent in bursts of BURST,
// one burst every BURST × PACE_MS (40 every 3.2 s: 12.5/s on average).
const BURST = 40;
const PACE_MS = 80;
/** Error codes after which the same command should be sent again later (same id). */
const RETRY_CODES = new Set(['unavailable', 'too_fast']);

/** A random command id of 32 hex characters (guests need ≥ 16). Works without a secure context. */
export function newId(): string {
  const c: Crypto | undefined = (globalThis as any).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The WebSocket URL of a session on this page's host. */
export function socketUrl(sessionId: string, loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws/${sessionId}`;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export interface ConnectionOptions {
  sessionId: string;
  hello: () => Hello;
  /** localStorage key of the queue of unanswered commands */
  storageKey: string;
  /** override the WebSocket URL (tests, tools) */
  url?: string;
  /** override the WebSocket class (tests) */
  WebSocket?: typeof WebSocket;
}

type Waiter = { resolve: (a: Ack) => void; reject: (r: Refusal) => void };

export class Connection {
  readonly store = new SessionStore();
  /** the last welcome received (who the server knows us as) */
  welcome: Welcome | null = null;
  /** the last refusal of the handshake (bad_token, bad_code…), if any */
  lastError: Refusal | null = null;
  status: LinkStatus = 'connecting';

  private opts: ConnectionOptions;
  private ws: WebSocket | null = null;
  private welcomed = false;
  private running = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private paceTimer: ReturnType<typeof setTimeout> | null = null;
  private lastHeard = 0;
  private outbox: PendingCommand[];
  private sent = new Set<string>(); // ids sent on the current socket
  private waiters = new Map<string, Waiter>();
  private clock: { rtt: number; offset: number }[] = [];
  private offset = 0;

  private statusListeners = new Set<(s: LinkStatus) => void>();
  private presenceListeners = new Set<(p: Presence) => void>();
  private closeListeners = new Set<(code: number, fatal: boolean) => void>();
  private welcomeListeners = new Set<(w: Welcome) => void>();
  private outboxListeners = new Set<() => void>();
  private resultListeners = new Set<(cmd: PendingCommand, result: Ack | Refusal) => void>();

  constructor(options: ConnectionOptions) {
    this.opts = options;
    this.outbox = this.loadOutbox();
  }

  // --- listeners ------------------------------------------------------------------------------

  onStatus(listener: (s: LinkStatus) => void): () => void {
    return subscribe(this.statusListeners, listener);
  }
  onPresence(listener: (p: Presence) => void): () => void {
    return subscribe(this.presenceListeners, listener);
  }
  /** Every close of the socket; `fatal` (4400, 4401, 4403, 4404): the connection has stopped. */
  onClose(listener: (code: number, fatal: boolean) => void): () => void {
    return subscribe(this.closeListeners, listener);
  }
  onWelcome(listener: (w: Welcome) => void): () => void {
    return subscribe(this.welcomeListeners, listener);
  }
  /** The queue of unanswered commands changed. */
  onOutbox(listener: () => void): () => void {
    return subscribe(this.outboxListeners, listener);
  }
  /** A command got its answer (also commands queued before a reload, which have no promise). */
  onResult(listener: (cmd: PendingCommand, result: Ack | Refusal) => void): () => void {
    return subscribe(this.resultListeners, listener);
  }

  // --- commands -------------------------------------------------------------------------------

  /**
   * Send a command. Queued (persisted under storageKey) while offline and re-sent with the same
   * id after reconnecting; resolves with the ack, rejects with a Refusal.
   */
  send(type: string, data: Record<string, unknown> = {}): Promise<Ack> {
    const cmd: PendingCommand = { id: newId(), type, data, at: Date.now() };
    const promise = new Promise<Ack>((resolve, reject) => this.waiters.set(cmd.id, { resolve, reject }));
    this.outbox.push(cmd);
    this.saveOutbox();
    this.flush();
    return promise;
  }

  /** Commands not yet acknowledged. */
  pending(): number {
    return this.outbox.length;
  }

  /** The commands not yet acknowledged, oldest first (for optimistic display). */
  pendingCommands(): readonly PendingCommand[] {
    return this.outbox;
  }

  /** Drop every queued command (e.g. when the token is no longer valid). */
  clearPending(): void {
    this.outbox = [];
    this.saveOutbox();
  }

  /** Date.now() corrected by the ping/pong clock offset. */
  serverNow(): number {
    return Date.now() + this.offset;
  }

  // --- life cycle -----------------------------------------------------------------------------

  start(): void {
    if (this.running) return;
    this.running = true;
    if (typeof addEventListener === 'function') {
      addEventListener('online', this.onBrowserOnline);
      addEventListener('offline', this.onBrowserOffline);
      addEventListener('visibilitychange', this.onVisible);
    }
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (typeof removeEventListener === 'function') {
      removeEventListener('online', this.onBrowserOnline);
      removeEventListener('offline', this.onBrowserOffline);
      removeEventListener('visibilitychange', this.onVisible);
    }
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      detach(ws);
      try {
        ws.close(1000);
      } catch {
        /* already closed */
      }
    }
    this.setStatus('offline');
  }

  /** Drop the socket and reconnect now (resume with `after`). */
  reconnect(): void {
    if (!this.running) return;
    this.attempt = 0;
    this.dropSocket();
    this.connect();
  }

  private onBrowserOnline = () => {
    if (this.running && this.status !== 'online') this.reconnect();
  };

  // The browser says the network is gone: a socket it has cut off would only swallow commands,
  // so drop it now; what is sent from here waits in the outbox (same ids) until `online`.
  private onBrowserOffline = () => {
    if (!this.running) return;
    this.dropSocket();
    this.setStatus('offline');
    this.scheduleReconnect(); // in case the browser is wrong; `online` reconnects at once
  };

  private onVisible = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'visible' && this.welcomed) this.ping();
  };

  private connect(): void {
    if (!this.running) return;
    this.clearTimers();
    this.setStatus('connecting');
    const Impl = this.opts.WebSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(this.opts.url ?? socketUrl(this.opts.sessionId), [SUBPROTOCOL]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.welcomed = false;
    this.sent.clear();
    ws.onopen = () => {
      const hello: Record<string, unknown> = { k: 'hello', ...this.opts.hello() };
      if (this.store.loaded) hello.after = this.store.seq;
      this.lastHeard = Date.now();
      this.write(hello);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      let frame: any;
      try {
        frame = typeof ev.data === 'string' ? JSON.parse(ev.data) : decode(new Uint8Array(ev.data as ArrayBuffer));
      } catch {
        return;
      }
      this.receive(frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.welcomed = false;
      this.clearTimers();
      const fatal = FATAL_CLOSE_CODES.has(ev.code);
      this.setStatus('offline');
      for (const l of [...this.closeListeners]) l(ev.code, fatal);
      if (fatal) {
        this.running = false;
        return;
      }
      if (ev.code === 4008) {
        // Come back soon, but not all at once: a whole room's sockets get 4008 together when
        // another worker takes their session over (0.25–0.5 s, with jitter).
        this.attempt = 0;
        this.scheduleReconnect();
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* a close follows */
    };
  }

  private dropSocket(): void {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.clearTimers();
    if (ws) {
      detach(ws);
      try {
        ws.close(1000);
      } catch {
        /* ignore */
      }
    }
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.paceTimer) clearTimeout(this.paceTimer);
    this.reconnectTimer = this.pingTimer = this.paceTimer = null;
  }

  // --- frames ---------------------------------------------------------------------------------

  private receive(frame: any): void {
    switch (frame?.k) {
      case 'welcome':
        this.onWelcomeFrame(frame as Welcome);
        break;
      case 'event':
        this.onEvents([frame]);
        break;
      case 'events':
        this.onEvents(frame.list ?? []);
        break;
      case 'ack':
        this.onAck(frame as Ack);
        break;
      case 'error':
        this.onError(frame);
        break;
      case 'pong':
        this.onPong(frame);
        break;
      case 'presence':
        for (const l of [...this.presenceListeners]) l(frame as Presence);
        break;
      case 'tallies':
        this.store.setTallies(frame as Tallies);
        break;
      case 'table':
        this.store.meetTable(frame.participants ?? {});
        break;
      default:
        break;
    }
  }

  private onWelcomeFrame(w: Welcome): void {
    this.welcome = { you: w.you, role: w.role, seq: w.seq, session: w.session };
    this.lastError = null;
    if (w.state !== undefined && w.state !== null) this.store.reset(w.state, w.seq);
    this.welcomed = true;
    this.attempt = 0;
    for (const l of [...this.welcomeListeners]) l(this.welcome);
    this.setStatus('online');
    this.ping();
    this.pingTimer = setInterval(() => this.tick(), PING_MS);
    this.flush();
  }

  /** Events in seq order. `seq` strictly increases on a connection but may jump: the events in
   *  between were not for this connection (another participant's position, ballot or join:
   *  docs/protocol.md, *What each audience sees*), so a jump is no loss. One already held (at or
   *  below the store's seq) is skipped. */
  private onEvents(list: Envelope[]): void {
    const fresh: Envelope[] = [];
    let last = this.store.seq;
    for (const e of list) {
      if (e.seq <= last) continue; // already held
      fresh.push(e);
      last = e.seq;
    }
    this.store.applyAll(fresh);
  }

  private onAck(frame: Ack): void {
    const ack: Ack = { id: frame.id, seq: frame.seq };
    if (frame.you !== undefined) ack.you = frame.you;
    if (frame.token !== undefined) ack.token = frame.token;
    if (frame.cofacilitator !== undefined) ack.cofacilitator = frame.cofacilitator;
    if (frame.tablet !== undefined) ack.tablet = frame.tablet;
    const cmd = this.take(ack.id);
    if (cmd) {
      // Fill in what the public form of our own events leaves out.
      const me = ack.you ?? this.welcome?.you;
      if (me && cmd.type === 'ProposeStatement') {
        this.store.claimStatement(ack.seq, me, String(cmd.data.text ?? ''), (cmd.data.kind as any) ?? 'problem', cmd.data);
      } else if (me && cmd.type === 'CastBallot') {
        this.store.claimBallot(String(cmd.data.vote), me, (cmd.data.grades as Record<string, number>) ?? {});
      }
      for (const l of [...this.resultListeners]) l(cmd, ack);
    }
    const waiter = this.waiters.get(ack.id);
    this.waiters.delete(ack.id);
    waiter?.resolve(ack);
  }

  private onError(frame: { id: string | null; code: string; message: string }): void {
    const refusal: Refusal = { code: frame.code, message: frame.message };
    if (frame.id == null) {
      if (!this.welcomed) this.lastError = refusal; // the handshake failed; a close follows
      return;
    }
    if (RETRY_CODES.has(frame.code)) {
      // Not stored: keep it, send it again later with the same id.
      this.sent.delete(frame.id);
      if (!this.paceTimer) this.paceTimer = setTimeout(() => ((this.paceTimer = null), this.flush()), 2000);
      return;
    }
    const cmd = this.take(frame.id);
    if (cmd) for (const l of [...this.resultListeners]) l(cmd, refusal);
    const waiter = this.waiters.get(frame.id);
    this.waiters.delete(frame.id);
    waiter?.reject(refusal);
  }

  private onPong(frame: { t: number; server: number }): void {
    const now = Date.now();
    const rtt = now - frame.t;
    if (!(rtt >= 0) || typeof frame.server !== 'number') return;
    this.clock.push({ rtt, offset: frame.server - (frame.t + now) / 2 });
    if (this.clock.length > 8) this.clock.shift();
    let best = this.clock[0];
    for (const s of this.clock) if (s.rtt < best.rtt) best = s;
    this.offset = best.offset;
  }

  private tick(): void {
    if (Date.now() - this.lastHeard > SILENCE_MS) {
      this.reconnect();
      return;
    }
    this.ping();
  }

  private ping(): void {
    this.write({ k: 'ping', t: Date.now() });
  }

  /** Send what is queued and not yet sent on this socket, paced to stay under the rate limit. */
  private flush(): void {
    if (!this.welcomed || !this.ws || this.paceTimer) return;
    let budget = BURST;
    for (const cmd of this.outbox) {
      if (this.sent.has(cmd.id)) continue;
      if (budget-- <= 0) {
        this.paceTimer = setTimeout(() => {
          this.paceTimer = null;
          this.flush();
        }, PACE_MS * BURST);
        return;
      }
      this.sent.add(cmd.id);
      this.write({ k: 'cmd', id: cmd.id, type: cmd.type, data: cmd.data });
    }
  }

  private write(frame: Record<string, unknown>): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    try {
      ws.send(encode(frame, { ignoreUndefined: true }));
    } catch {
      /* the close handler reconnects */
    }
  }

  // --- outbox ---------------------------------------------------------------------------------

  private take(id: string): PendingCommand | null {
    const i = this.outbox.findIndex((c) => c.id === id);
    if (i < 0) return null;
    const [cmd] = this.outbox.splice(i, 1);
    this.sent.delete(id);
    this.saveOutbox();
    return cmd;
  }

  private loadOutbox(): PendingCommand[] {
    try {
      const raw = storage()?.getItem(this.opts.storageKey);
      const list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter((c) => c && typeof c.id === 'string' && typeof c.type === 'string') : [];
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    try {
      const s = storage();
      if (s) {
        if (this.outbox.length) s.setItem(this.opts.storageKey, JSON.stringify(this.outbox));
        else s.removeItem(this.opts.storageKey);
      }
    } catch {
      /* storage full or disabled: the queue lives in memory only */
    }
    for (const l of [...this.outboxListeners]) l();
  }

  private setStatus(s: LinkStatus): void {
    if (s === this.status) return;
    this.status = s;
    for (const l of [...this.statusListeners]) l(s);
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function detach(ws: WebSocket): void {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}
