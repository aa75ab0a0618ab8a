/**
 * When the projector says a count in the page's live region (`CountSayer`): once it has stayed the
 * same SETTLE_MS — a burst of joins or ballots is said once, at its end — or at the latest
 * SAY_WITHIN_MS after it began to change, so that a count that keeps moving is still heard. Not
 * the count a panel shows when it appears (the page opening, a round ending: what appeared is said
 * by the round's title), only a change while it is shown. Tested with fake timers
 * (test/projector-settle.test.ts).
 */

/** How long a count must stay still before it is said. */
export const SETTLE_MS = 2000;
/** The longest a changing count waits to be said. */
export const SAY_WITHIN_MS = 10_000;

export class CountSayer {
  private said: string | null = null;
  private since: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly say: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The sentence the panel would say now; null when the panel is not shown. */
  update(message: string | null): void {
    this.cancel();
    if (message === null || this.said === null || message === this.said) {
      this.said = message;
      this.since = null;
      return;
    }
    this.since ??= this.now();
    const wait = Math.max(0, Math.min(SETTLE_MS, this.since + SAY_WITHIN_MS - this.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.said = message;
      this.since = null;
      this.say(message);
    }, wait);
  }

  /** Forget what waits to be said (the page goes away). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
