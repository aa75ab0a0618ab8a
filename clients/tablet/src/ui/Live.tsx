/**
 * The page's one polite live region: what changes is said to screen readers through it, and
 * through nothing else (no other element of a page is a live region, so nothing is said twice).
 *
 * `announce(message)` may be called from anywhere, as often as the code likes. Messages are said
 * one after another, each in its own change of the region, SPACING_MS apart (never two texts in
 * one frame, where a screen reader would hear only the last); a message already waiting is not
 * queued twice. Each is written into an emptied region, so that the same text said again later
 * is heard again.
 */
import { useEffect, useState } from 'preact/hooks';

/** Time between two messages (≥ CLEAR_MS), so that each is its own change of the region. */
export const SPACING_MS = 100;
/** How long the region stays empty before a text, so that a repeated text is said again. */
const CLEAR_MS = 50;

const listeners = new Set<(m: string) => void>();
let waiting: string[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;

/** Say a message politely (after what the screen reader is saying). */
export function announce(message: string): void {
  const text = message.trim();
  if (!text || waiting.includes(text)) return;
  waiting.push(text);
  timer ??= setTimeout(next, 0);
}

function next(): void {
  const text = waiting.shift();
  if (text === undefined) {
    timer = null;
    return;
  }
  for (const listener of [...listeners]) listener(text);
  timer = setTimeout(next, SPACING_MS);
}

/** The live region; render it once per page (it is visually hidden unless `visible`). */
export function LiveRegion(props: { visible?: boolean }) {
  const [msg, setMsg] = useState('');
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const listener = (m: string) => {
      setMsg('');
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => setMsg(m), CLEAR_MS);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (pending) clearTimeout(pending);
    };
  }, []);
  return (
    <div class={props.visible ? 'mk-live' : 'mk-sr-only'} role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {msg}
    </div>
  );
}
