/**
 * The tablet's helps during a round (src/participant/signals.ts), with fakes for the device: the
 * end-of-round signal rings once per round seen open and then over, is on unless turned off, and
 * the choice is kept; the screen wake lock is held while a round is open, taken again when the
 * page is shown again, released at the end, and nothing breaks without the API.
 */
import { describe, expect, it } from 'vitest';
import {
  SIGNAL_KEY,
  TONES,
  VIBRATION_MS,
  WakeLockKeeper,
  endedNow,
  ring,
  setSignalOn,
  signalOn,
  type PageLike,
  type Watch,
  type WakeLockLike,
} from '../src/participant/signals';

const open = (round: number): Watch => ({ round, over: false });
const over = (round: number): Watch => ({ round, over: true });

describe('endedNow', () => {
  // before → after → the round to ring for
  const cases: [string, Watch | null, Watch | null, number | null][] = [
    ['the round ends', open(1), over(1), 1],
    ['a paused round ends (paused is open)', open(2), over(2), 2],
    ['a page loaded after the end', null, over(1), null],
    ['a page loaded during the round', null, open(1), null],
    ['still open', open(1), open(1), null],
    ['still over (the deadline, then its RoundEnded)', over(1), over(1), null],
    ['the next round starts', over(1), open(2), null],
    ['a round missed while offline', open(1), over(2), null],
    ['no round yet', null, null, null],
  ];
  it.each(cases)('%s', (_, before, after, ring) => {
    expect(endedNow(before, after)).toBe(ring);
  });
});

class FakeStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('the signal switch', () => {
  it('is on unless turned off, and the choice is kept on the device', () => {
    const storage = new FakeStorage();
    expect(signalOn(storage)).toBe(true);
    setSignalOn(storage, false);
    expect(storage.items.get(SIGNAL_KEY)).toBe('off');
    expect(signalOn(storage)).toBe(false);
    setSignalOn(storage, true);
    expect(storage.items.has(SIGNAL_KEY)).toBe(false);
    expect(signalOn(storage)).toBe(true);
  });

  it('is on where there is no storage, and a storage that throws changes nothing', () => {
    const broken = { getItem: () => { throw new Error('private'); }, setItem: () => { throw new Error('full'); }, removeItem: () => undefined };
    expect(signalOn(null)).toBe(true);
    expect(signalOn(broken)).toBe(true);
    expect(() => setSignalOn(broken, false)).not.toThrow();
  });
});

describe('ring', () => {
  it('vibrates and plays its tones', () => {
    const vibrations: number[][] = [];
    const started: number[] = [];
    const audio = {
      state: 'running',
      currentTime: 10,
      destination: {},
      resume: () => Promise.resolve(),
      createGain: () => ({ gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (x: unknown) => x }),
      createOscillator: () => ({ frequency: { value: 0 }, connect: (x: unknown) => x, start: (at: number) => started.push(at), stop: () => undefined }),
    };
    ring({ vibrate: (p) => (vibrations.push(p), true), audio: () => audio as unknown as AudioContext });
    expect(vibrations).toEqual([VIBRATION_MS]);
    expect(started).toHaveLength(TONES.length);
  });

  it('does without a vibration motor or sound, and a failing one stops not the other', () => {
    const vibrations: number[][] = [];
    expect(() => ring({ audio: () => null })).not.toThrow();
    expect(() => ring({ vibrate: (p) => (vibrations.push(p), true), audio: () => { throw new Error('no audio'); } })).not.toThrow();
    expect(vibrations).toHaveLength(1);
    expect(() => ring({ vibrate: () => { throw new Error('refused'); }, audio: () => null })).not.toThrow();
  });
});

/** A screen wake lock that records what is held; `refuse` makes the next requests fail. */
class FakeWakeLock implements WakeLockLike {
  held = 0;
  requests = 0;
  refuse = false;
  private releases: (() => void)[] = [];
  request() {
    this.requests += 1;
    if (this.refuse) return Promise.reject(new Error('NotAllowedError'));
    this.held += 1;
    const listeners: (() => void)[] = [];
    const sentinel = {
      released: false,
      release: () => {
        if (!sentinel.released) {
          sentinel.released = true;
          this.held -= 1;
          listeners.forEach((l) => l());
        }
        return Promise.resolve();
      },
      addEventListener: (_: 'release', l: () => void) => listeners.push(l),
    };
    this.releases.push(() => void sentinel.release());
    return Promise.resolve(sentinel);
  }
  /** What the browser does when the page is hidden: every lock is released. */
  browserReleasesAll() {
    this.releases.splice(0).forEach((r) => r());
  }
}

class FakePage implements PageLike {
  visibilityState = 'visible';
  listeners = new Set<() => void>();
  addEventListener(_: 'visibilitychange', l: () => void) {
    this.listeners.add(l);
  }
  removeEventListener(_: 'visibilitychange', l: () => void) {
    this.listeners.delete(l);
  }
  show(visible: boolean) {
    this.visibilityState = visible ? 'visible' : 'hidden';
    this.listeners.forEach((l) => l());
  }
}

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('WakeLockKeeper', () => {
  it('holds the screen awake during the round and lets it go at the end', async () => {
    const lock = new FakeWakeLock();
    const keeper = new WakeLockKeeper(lock, new FakePage());
    keeper.hold(true);
    await settled();
    expect([lock.held, keeper.active]).toEqual([1, true]);
    keeper.hold(true); // asked again: still one
    await settled();
    expect(lock.requests).toBe(1);
    keeper.hold(false);
    await settled();
    expect([lock.held, keeper.active]).toEqual([0, false]);
  });

  it('takes it again when the page is shown again (the browser dropped it when hidden)', async () => {
    const lock = new FakeWakeLock();
    const page = new FakePage();
    const keeper = new WakeLockKeeper(lock, page);
    keeper.hold(true);
    await settled();
    page.show(false);
    lock.browserReleasesAll();
    await settled();
    expect(keeper.active).toBe(false);
    page.show(true);
    await settled();
    expect([lock.held, keeper.active]).toEqual([1, true]);
    keeper.hold(false);
    page.show(false);
    page.show(true); // after the round: not taken again
    await settled();
    expect(lock.held).toBe(0);
  });

  it('asks only when visible, survives a refusal, and a round over before the answer releases it', async () => {
    const lock = new FakeWakeLock();
    const page = new FakePage();
    page.visibilityState = 'hidden';
    const keeper = new WakeLockKeeper(lock, page);
    keeper.hold(true);
    await settled();
    expect(lock.requests).toBe(0);
    lock.refuse = true;
    page.show(true);
    await settled();
    expect([lock.requests, keeper.active]).toEqual([1, false]);
    lock.refuse = false;
    page.show(true);
    keeper.hold(false); // the round ends while the lock is being asked for
    await settled();
    expect(lock.held).toBe(0);
  });

  it('does nothing without the API', () => {
    const keeper = new WakeLockKeeper(null, new FakePage());
    expect(() => {
      keeper.hold(true);
      keeper.hold(false);
    }).not.toThrow();
    expect(keeper.active).toBe(false);
  });
});
