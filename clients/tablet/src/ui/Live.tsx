/** One polite live region per page: status changes are announced to screen readers. */
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<(m: string) => void>();
let last = '';

/** Announce a message (aria-live="polite"). */
export function announce(message: string): void {
  last = message;
  for (const l of [...listeners]) l(message);
}

/** The live region; render it once per page (it is visually hidden unless `visible`). */
export function LiveRegion(props: { visible?: boolean }) {
  const [msg, setMsg] = useState(last);
  useEffect(() => {
    const l = (m: string) => {
      // Re-announce the same text: clear, then set.
      setMsg('');
      setTimeout(() => setMsg(m), 50);
    };
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return (
    <div class={props.visible ? 'mk-live' : 'mk-sr-only'} role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {msg}
    </div>
  );
}
