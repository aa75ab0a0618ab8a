/**
 * The page's one polite live region: what changes is said to screen readers through it, and
 * through nothing else (no other element of a page is a live region, so nothing is said twice).
 *
 * `announce(message)` may be called from anywhere, as often as the code likes: messages that
 * arrive together (one batch of events often brings several: three statements published, a
 * vote closed and its results shown) are gathered for GATHER_MS and said as one, each distinct
 * message once. Saying the same text again later clears the region first, so that it is heard.
 */
import { useEffect, useState } from 'preact/hooks';

/** How long messages are gathered before they are said together. */
export const GATHER_MS = 150;
/** How long the region stays empty before a new text, so that a repeated text is said again. */
const CLEAR_MS = 50;

const listeners = new Set<(m: string) => void>();
let gathered: string[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;

/** Say a message politely (after what the screen reader is saying). */
export function announce(message: string): void {
  const text = message.trim();
  if (!text || gathered.includes(text)) return;
  gathered.push(text);
  timer ??= setTimeout(flush, GATHER_MS);
}

function flush(): void {
  timer = null;
  const text = gathered.join(' ');
  gathered = [];
  for (const listener of [...listeners]) listener(text);
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
