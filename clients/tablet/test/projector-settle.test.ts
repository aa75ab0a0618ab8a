/** The projector says a count once it settles (src/projector/settle.ts): given the counts a panel
 *  shows over time, then what the live region says and when. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountSayer, SAY_WITHIN_MS, SETTLE_MS } from '../src/projector/settle';

describe('a count is said when it settles', () => {
  let said: [number, string][];
  let sayer: CountSayer;
  const start = 1_700_000_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(start);
    said = [];
    sayer = new CountSayer((m) => said.push([Date.now() - start, m]));
  });
  afterEach(() => vi.useRealTimers());

  /** Each step: after `ms`, the panel shows `message` (null: not shown). */
  function run(steps: [number, string | null][], then = 3 * SAY_WITHIN_MS): [number, string][] {
    for (const [ms, message] of steps) {
      vi.advanceTimersByTime(ms);
      sayer.update(message);
    }
    vi.advanceTimersByTime(then);
    return said;
  }

  const table: [string, [number, string | null][], [number, string][]][] = [
    ['the count the page opens with is not said', [[0, '3 inscrites']], []],
    ['a change is said once it stayed SETTLE_MS', [[0, '3'], [100, '4']], [[100 + SETTLE_MS, '4']]],
    [
      'a burst is said once, at its end',
      [[0, '3'], [100, '4'], [300, '5'], [300, '6']],
      [[700 + SETTLE_MS, '6']],
    ],
    [
      'a count that keeps moving is said within SAY_WITHIN_MS of its first change',
      [[0, '0'], ...Array.from({ length: 30 }, (_, i): [number, string] => [1000, String(i + 1)])],
      // one change a second from 1 s on: said at 11 s, then 10 s after the next change each time
      [[11_000, '10'], [21_000, '20'], [31_000, '30']],
    ],
    ['back to what was said: nothing to say', [[0, '3'], [100, '4'], [100, '3']], []],
    [
      'a panel that appears again is not said, only its changes',
      [[0, '3'], [100, null], [100, '7'], [SETTLE_MS * 2, '8']],
      [[200 + SETTLE_MS * 3, '8']],
    ],
    ['a panel hidden before its count settled says nothing', [[0, '3'], [100, '4'], [100, null]], []],
  ];
  it.each(table)('%s', (_name, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('says nothing after it was cancelled (the page went away)', () => {
    sayer.update('3');
    sayer.update('4');
    sayer.cancel();
    vi.advanceTimersByTime(SAY_WITHIN_MS);
    expect(said).toEqual([]);
  });
});
