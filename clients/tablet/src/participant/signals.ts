/**
 * The tablet's two helps during a round (issue 14 §4), without the page around them:
 *
 * * **the end-of-round signal** — a vibration and a short sound when the round ends on this
 *   device, so that nobody keeps writing into a closed round; on unless the person turns it off,
 *   and that choice is kept on the device (localStorage). The round ends when its `RoundEnded`
 *   arrives or when this device's clock passes the deadline (`time_up`), whichever comes first,
 *   and it rings once per round; a round already over when the page loads does not ring;
 * * **the screen kept awake** while a round runs or is paused (the Screen Wake Lock API), released
 *   when it ends, taken again when the page comes back into view (the browser drops it when the
 *   page is hidden). Where the API is missing — an older browser, or a page not served from a
 *   secure context (https or localhost: the room's Wi-Fi on plain http has none) — nothing
 *   happens and nothing breaks.
 *
 * What touches the device (vibrate, audio, wake lock, storage) comes in as arguments, so the
 * rules are tested with fakes (test/signals.test.ts).
 */

/** What the signal watches of the round: its number, and whether it is over on this device. */
export interface Watch {
  round: number;
  over: boolean;
}

/** The round to ring for, when the watch goes from `before` to `after`; else null. Only a round
 *  seen open and now over rings: a page loaded after the end, or a new round, does not. */
export function endedNow(before: Watch | null, after: Watch | null): number | null {
  if (!before || !after || before.round !== after.round) return null;
  return !before.over && after.over ? after.round : null;
}

export const SIGNAL_KEY = 'metrokawa:round-signal';

/** Whether the end-of-round signal is on (it is unless turned off on this device). */
export function signalOn(storage: Pick<Storage, 'getItem'> | null): boolean {
  try {
    return storage?.getItem(SIGNAL_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSignalOn(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, on: boolean): void {
  try {
    if (on) storage?.removeItem(SIGNAL_KEY);
    else storage?.setItem(SIGNAL_KEY, 'off');
  } catch {
    /* private mode: the choice lasts as long as the page */
  }
}

/** Two pulses: felt in a pocket, not alarming. */
export const VIBRATION_MS = [200, 120, 200];
/** Two short tones, falling: « c'est fini ». Frequencies in Hz, durations in seconds. */
export const TONES: readonly { hz: number; at: number; for: number }[] = [
  { hz: 880, at: 0, for: 0.18 },
  { hz: 660, at: 0.24, for: 0.3 },
];

export interface Device {
  vibrate?: (pattern: number[]) => boolean;
  /** An audio context, or null where there is none (made on first use, see `Bell`). */
  audio: () => AudioContext | null;
}

/** Rings the end-of-round signal: the vibration where the device has one, the tones where it
 *  can play sound. Either may be missing; neither failing stops the other. */
export function ring(device: Device): void {
  try {
    device.vibrate?.(VIBRATION_MS);
  } catch {
    /* no vibration motor, or refused */
  }
  try {
    const audio = device.audio();
    if (!audio) return;
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const start = audio.currentTime + 0.02;
    for (const tone of TONES) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = tone.hz;
      gain.gain.setValueAtTime(0.0001, start + tone.at);
      gain.gain.exponentialRampToValueAtTime(0.3, start + tone.at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone.at + tone.for);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + tone.at);
      oscillator.stop(start + tone.at + tone.for + 0.02);
    }
  } catch {
    /* no sound on this device */
  }
}

/** The part of `navigator.wakeLock` used here. */
export interface WakeLockLike {
  request(type: 'screen'): Promise<{ release(): Promise<void>; addEventListener(type: 'release', listener: () => void): void }>;
}

/** The part of `document` used here. */
export interface PageLike {
  visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/**
 * Keeps the screen awake while `hold(true)`: asks for a screen wake lock, asks again when the
 * page becomes visible (the browser released it when it was hidden), and releases it on
 * `hold(false)`. Without `wakeLock` (null) it does nothing; a refused request is not retried
 * until the page is shown again.
 */
export class WakeLockKeeper {
  private sentinel: { release(): Promise<void> } | null = null;
  private asking = false;
  private held = false;
  private readonly onVisible = () => this.acquire();

  constructor(
    private readonly wakeLock: WakeLockLike | null,
    private readonly page: PageLike,
  ) {}

  hold(on: boolean): void {
    if (!this.wakeLock || on === this.held) return;
    this.held = on;
    if (on) {
      this.page.addEventListener('visibilitychange', this.onVisible);
      this.acquire();
    } else {
      this.page.removeEventListener('visibilitychange', this.onVisible);
      this.drop();
    }
  }

  /** Whether a wake lock is held now (for tests and the page's data attribute). */
  get active(): boolean {
    return this.sentinel !== null;
  }

  private acquire(): void {
    if (!this.wakeLock || !this.held || this.sentinel || this.asking) return;
    if (this.page.visibilityState !== 'visible') return;
    this.asking = true;
    this.wakeLock.request('screen').then(
      (sentinel) => {
        this.asking = false;
        if (!this.held) {
          void sentinel.release().catch(() => undefined);
          return;
        }
        this.sentinel = sentinel;
        sentinel.addEventListener('release', () => {
          if (this.sentinel === sentinel) this.sentinel = null;
        });
      },
      () => {
        this.asking = false; // refused (battery saver, no permission): try again when shown
      },
    );
  }

  private drop(): void {
    const sentinel = this.sentinel;
    this.sentinel = null;
    if (sentinel) void sentinel.release().catch(() => undefined);
  }
}
