/**
 * When the landscape is asked for again. Ratings come in as `tallies` frames (up to 4 a second
 * per session); each could ask for a new landscape, which the server computes for everyone at
 * once (server/landscape.py). The view asks at most once every `gapMs` (3 s), one request at a
 * time, and never forgets the last change: a change during the gap or during a request leads to
 * one more request as soon as the gap allows — the last one shown is never older than the last
 * change by more than the gap and one request.
 *
 *  * `request()`: something changed; run now if allowed, else once as soon as allowed;
 *  * `urgent()`: the reader asked for something else (another territory): run as soon as the
 *    request in flight (if any) has come back, whatever the gap;
 *  * `holdOff(ms)`: the server said to wait (429's Retry-After): nothing starts before `ms`;
 *  * `dispose()`: the view is gone; nothing starts any more.
 *
 * Time is `Date.now()` and `setTimeout` (tests use vitest's fake timers).
 */

export const GAP_MS = 3000;

export class Throttle {
  private lastStart = -Infinity;
  private notBefore = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;
  private hurry = false;
  private disposed = false;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly gapMs = GAP_MS,
  ) {}

  /** Something changed: a run now if the last one started `gapMs` ago and none is running,
   *  else one run as soon as allowed (several changes meanwhile make one run). */
  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.waitMs();
    if (wait <= 0) {
      this.start();
      return;
    }
    if (this.timer === null) this.timer = setTimeout(() => this.fire(), wait);
  }

  /** The reader asked for something else: a run as soon as none is in flight, gap or not. */
  urgent(): void {
    this.hurry = true;
    this.clearTimer();
    this.request();
  }

  /** Nothing starts before `ms` from now (a run already asked for waits till then). */
  holdOff(ms: number): void {
    this.notBefore = Math.max(this.notBefore, Date.now() + ms);
    if (this.timer === null) return;
    this.clearTimer();
    this.request();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  /** How long until a run may start: the gap after the last start (not when hurried), and any hold. */
  private waitMs(): number {
    const now = Date.now();
    const gapEnd = this.hurry ? -Infinity : this.lastStart + this.gapMs;
    return Math.max(gapEnd, this.notBefore) - now;
  }

  private fire(): void {
    this.timer = null;
    this.request();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    this.running = true;
    this.hurry = false;
    this.again = false;
    this.lastStart = Date.now();
    // `run` never rejects by contract (fetchLandscape does not throw); a bug that does must not
    // stop the refreshes: the finally runs all the same.
    this.run()
      .catch((error: unknown) => console.error(error))
      .finally(() => {
        this.running = false;
        if (this.again) this.request();
      });
  }
}
