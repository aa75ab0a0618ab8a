/** Preact hooks over a Connection: its state, its link status, a ticking server clock. */
import { useEffect, useReducer, useState } from 'preact/hooks';
import type { Connection, LinkStatus, PendingCommand } from './protocol';
import type { SessionView } from './state';

const frame: (cb: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(() => cb()) : (cb) => setTimeout(cb, 16);

/** The session state; re-renders on every change (coalesced to one render per frame). */
export function useStore(conn: Connection): SessionView {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let queued = false;
    const off = conn.store.subscribe(() => {
      if (queued) return;
      queued = true;
      frame(() => {
        queued = false;
        bump(0);
      });
    });
    bump(0); // the state may have changed between render and subscribe
    return off;
  }, [conn]);
  return conn.store.state;
}

/** The link status: connecting, online or offline. */
export function useLinkStatus(conn: Connection): LinkStatus {
  const [status, setStatus] = useState<LinkStatus>(conn.status);
  useEffect(() => {
    setStatus(conn.status);
    return conn.onStatus(setStatus);
  }, [conn]);
  return status;
}

/** The commands not yet acknowledged (re-renders when the queue changes). */
export function usePending(conn: Connection): readonly PendingCommand[] {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => conn.onOutbox(() => bump(0)), [conn]);
  return conn.pendingCommands();
}

/**
 * A ticking clock: the server's time (conn.serverNow()) when a connection is given, else Date.now().
 * Accepts `useNow(intervalMs)`, `useNow(conn)` or `useNow(conn, intervalMs)`.
 */
export function useNow(a?: number | Connection | null, b?: number): number {
  const conn = typeof a === 'object' ? a : null;
  const intervalMs = typeof a === 'number' ? a : (b ?? 1000);
  const read = () => (conn ? conn.serverNow() : Date.now());
  const [now, setNow] = useState(read);
  useEffect(() => {
    setNow(read());
    const timer = setInterval(() => setNow(read()), intervalMs);
    return () => clearInterval(timer);
  }, [conn, intervalMs]);
  return now;
}
