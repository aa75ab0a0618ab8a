/**
 * The session at any point of its log, instantly.
 *
 * The state is folded with src/state.ts's SessionStore from an empty session (reset(emptySession(), 0),
 * then apply(envelope) in seq order, SessionCreated first), exactly as the live clients do. That
 * includes the consent rounds, objections and vœux (SessionView.consents, objections, voeux), so
 * they are in every checkpoint's state. The one thing the replay follows beside it is the
 * statement being discussed: `applyExtra` folds it into `Extras`, copied with each checkpoint.
 *
 * Checkpoints: while folding once at load, a copy of the state is kept every `interval` events
 * (500; 1,000 for 100,000 events: see checkpointInterval). The positions, which are most of a big session's state, are not copied whole:
 * each checkpoint keeps only the positions set since the one before (at most `interval` of them),
 * and a restore lays those diffs one over the other. The rest of the state is a deep copy
 * (structuredClone). Going to seq S restores the nearest checkpoint at or before S and applies at
 * most interval − 1 events; moving forward inside a segment just applies the events in between. So
 * a seek costs one copy and < 500 reducer steps whatever the length of the log, and the
 * checkpoints take memory in proportion to the log, not to the log times the state.
 */
import { SessionStore, emptySession, type Envelope, type SessionView } from '../state';

/** What the replay follows beyond state.ts. Consent rounds, objections and vœux are state.ts's
 *  (SessionView.consents / objections / voeux and its helpers); only the statement being
 *  discussed is the replay's own. */
export interface Extras {
  /** the statement of the last position taken (the one being discussed) */
  lastStatement: string | null;
}

export function emptyExtras(): Extras {
  return { lastStatement: null };
}

export function applyExtra(x: Extras, e: Envelope): void {
  if (e.type === 'PositionTaken') x.lastStatement = e.data?.statement ?? null;
}

export interface Checkpoint {
  seq: number;
  /** the state without its positions */
  state: SessionView;
  /** the positions set since the previous checkpoint: [participant|statement, value] */
  positions: [string, number | null][];
  extras: Extras;
}

const copy: <T>(x: T) => T =
  typeof structuredClone === 'function' ? (x) => structuredClone(x) : (x) => JSON.parse(JSON.stringify(x));

/** 500 events between checkpoints; more for a log over 50,000 events, so that there are at most
 *  about 100 of them (each costs a copy at load: ~2 ms for 400 participants). */
export function checkpointInterval(events: number): number {
  return Math.max(500, Math.ceil(events / 100 / 500) * 500);
}

export class Timeline {
  readonly checkpoints: Checkpoint[] = [];
  /** the seq of the last event (the length of the log) */
  readonly last: number;

  constructor(
    readonly events: Envelope[],
    readonly interval = checkpointInterval(events.length),
  ) {
    this.last = events.length ? events[events.length - 1]!.seq : 0;
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    const extras = emptyExtras();
    let touched = new Set<string>();
    const keep = (seq: number) => {
      const { positions, ...rest } = store.state;
      this.checkpoints.push({
        seq,
        state: copy({ ...rest, positions: {} }),
        positions: [...touched].map((k) => [k, positions[k] ?? null]),
        extras: copy(extras),
      });
      touched = new Set();
    };
    keep(0);
    for (const e of events) {
      store.apply(e);
      applyExtra(extras, e);
      if (e.type === 'PositionTaken') touched.add(`${e.data?.participant}|${e.data?.statement}`);
      if (e.seq % interval === 0) keep(e.seq);
    }
  }

  /** The whole state at a checkpoint (a fresh copy). */
  stateAt(cp: Checkpoint): SessionView {
    const state = copy(cp.state);
    const positions: SessionView['positions'] = {};
    for (const c of this.checkpoints) {
      if (c.seq > cp.seq) break;
      for (const [k, v] of c.positions) positions[k] = v;
    }
    state.positions = positions;
    return state;
  }

  /** The event at seq (1-based), if any. */
  event(seq: number): Envelope | undefined {
    return this.events[seq - 1];
  }

  /** The checkpoint at or just before seq. */
  checkpointBefore(seq: number): Checkpoint {
    const i = Math.min(Math.floor(Math.max(seq, 0) / this.interval), this.checkpoints.length - 1);
    return this.checkpoints[i]!;
  }

  /** A cursor over this timeline, at seq 0. */
  cursor(): Cursor {
    return new Cursor(this);
  }
}

/** A position on the timeline and the session there (its own copy, mutated as it moves). */
export class Cursor {
  readonly store = new SessionStore();
  extras: Extras = emptyExtras();

  constructor(readonly timeline: Timeline) {
    this.restore(timeline.checkpoints[0]!);
  }

  get seq(): number {
    return this.store.seq;
  }

  get state(): SessionView {
    return this.store.state;
  }

  /** Move to seq (clamped to 0..last). */
  seek(target: number): void {
    const tl = this.timeline;
    const seq = Math.max(0, Math.min(Math.round(target), tl.last));
    if (seq === this.seq) return;
    const cp = tl.checkpointBefore(seq);
    // Backward: from the checkpoint. Forward: from the checkpoint only if it is ahead of us.
    if (seq < this.seq || cp.seq > this.seq) this.restore(cp);
    for (let s = this.seq + 1; s <= seq; s++) {
      const e = tl.events[s - 1]!;
      this.store.apply(e);
      applyExtra(this.extras, e);
    }
  }

  private restore(cp: Checkpoint): void {
    this.store.reset(this.timeline.stateAt(cp), cp.seq);
    this.extras = copy(cp.extras);
  }
}

/**
 * Play-back times: for each event, the time since the first one in ms of the session's own clock,
 * with every pause between two events longer than `maxGapMs` counted as `maxGapMs`.
 */
export function playTimes(events: Envelope[], maxGapMs = MAX_GAP_MS): number[] {
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < events.length; i++) {
    if (i > 0) t += Math.min(Math.max(events[i]!.at - events[i - 1]!.at, 0), maxGapMs);
    out.push(t);
  }
  return out;
}

/** Pauses of the session longer than this are shortened to it when playing. */
export const MAX_GAP_MS = 10_000;

/** The index (0-based) of the last event whose play time is ≤ t (binary search); -1 if none. */
export function indexAtTime(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
