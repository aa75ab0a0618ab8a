/** Whether writing is open now on this device (`Writing`, see ctx.ts), by the server's clock as
 *  this device measures it; the caller is drawn again the moment the deadline passes, so the
 *  controls close then, online or not. And the hint that says why they are closed. */
import { useEffect, useReducer } from 'preact/hooks';
import { t } from '../i18n';
import type { Connection } from '../protocol';
import { currentRound, isWritingOpen, type SessionView } from '../state';
import type { Writing } from './ctx';

/** Margin after the deadline before drawing again (a timer may fire a little early). */
const AFTER_MS = 20;

export function writingAt(s: SessionView, now: number): Writing {
  if (isWritingOpen(s, now)) return 'open';
  return isWritingOpen(s) ? 'time_up' : 'shut';
}

export function useWriting(conn: Connection, s: SessionView): Writing {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const writing = writingAt(s, conn.serverNow());
  const deadline = writing === 'open' ? (currentRound(s)?.deadline ?? null) : null;
  useEffect(() => {
    if (deadline == null) return;
    const timer = setTimeout(() => redraw(0), Math.max(0, deadline - conn.serverNow()) + AFTER_MS);
    return () => clearTimeout(timer);
  }, [conn, deadline]);
  return writing;
}

/** Why the controls are closed: no round running, or the round's time is up. */
export function WritingHint({ writing }: { writing: Writing }) {
  return <p class="mk-hint">{writing === 'time_up' ? t('p.round.time_up_hint') : t('p.round_closed_hint')}</p>;
}
