// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../src/replay/log';
import { SessionStore, computeTallies, emptySession, suppressed } from '../src/state';

/**
 * The replay viewer's tallies (src/state/tallies.ts) against the engine's
 * (session_engine/tallies.py), on the golden replay: replays/export_tallies.py writes the engine's
 * at checkpoints along replays/golden-v1-voeux.mkawa, at k = 5 and k = 2, into
 * replays/golden-v1-voeux.tallies.json; the client folds the same log and computes its own.
 * Regenerate (and review) with:
 *   METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_golden_tallies.py
 */

const REPLAYS = new URL('../../../replays/', import.meta.url);
const log = parseLog(new Uint8Array(readFileSync(new URL('golden-v1-voeux.mkawa', REPLAYS))));
const fixture: { steps: Record<string, { seq: number; tallies: any }[]> } = JSON.parse(
  readFileSync(new URL('golden-v1-voeux.tallies.json', REPLAYS), 'utf8'),
);

describe('the replay viewer computes the tallies the engine computes', () => {
  for (const k of ['5', '2']) {
    it(`at every checkpoint of the golden log, k = ${k}`, () => {
      const steps = fixture.steps[k]!;
      expect(steps.length).toBeGreaterThan(5);
      const store = new SessionStore();
      store.reset(emptySession(), 0);
      let next = 0;
      for (const event of log.events) {
        store.apply(event);
        if (steps[next]?.seq === event.seq) {
          expect(computeTallies(store.state, Number(k)), `after seq ${event.seq}`).toEqual(steps[next]!.tallies);
          next += 1;
        }
      }
      expect(next).toBe(steps.length);
    });
  }
});

describe('suppressed, as breakdown.py', () => {
  it.each([
    // voters per group, k, hidden
    [[6, 5, 1], 5, [false, true, true]], // one under k: the smallest shown goes with it
    [[9, 2, 1, 0], 5, [true, true, true, true]], // still under k together: everyone
    [[9, 2, 1, 0], 2, [false, true, true, true]],
    [[5, 5, 5], 5, [false, false, false]],
    [[0, 0, 12], 5, [true, true, false]], // hidden ones hold 0: nothing to recover
    [[3, 3], 5, [true, true]],
  ])('%j at k = %i', (voters, k, hidden) => {
    expect(suppressed(voters as number[], k as number)).toEqual(hidden);
  });
});
