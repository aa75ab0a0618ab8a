/**
 * Replay viewer benchmark: how long the Timeline takes to build and to seek, printed, never
 * asserted (test/replay.test.ts checks that the seeks land on the right state).
 *
 * Two logs: the demo archive (replays/demo-metrokawa-120.mkawa, 4,242 events) and the
 * 100,000-event long session of test/long-session.ts. For each: the build (decode not included),
 * best and median of the runs; then each seek of a fixed list (forward, back, across checkpoints),
 * median and worst over the runs.
 *
 *     cd clients/tablet && npm run bench            # 5 runs
 *     cd clients/tablet && npm run bench -- --runs 20
 */
// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
// @ts-expect-error: as above
import { cpus } from 'node:os';
import { parseLog } from '../src/replay/log';
import { Timeline } from '../src/replay/timeline';
import type { Envelope } from '../src/state';
import { SEEKS, longSession } from '../test/long-session';

const nodeProcess = (globalThis as any).process;

function argument(name: string, fallback: number): number {
  const args: string[] = nodeProcess.argv;
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(f: () => void): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

function bench(name: string, events: Envelope[], seeks: number[], runs: number): void {
  const builds: number[] = [];
  const perSeek: number[][] = seeks.map(() => []);
  let checkpoints = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const tl = new Timeline(events);
    builds.push(performance.now() - start);
    checkpoints = tl.checkpoints.length;
    const cursor = tl.cursor();
    seeks.forEach((seq, i) => perSeek[i]!.push(time(() => cursor.seek(seq))));
  }
  const all = perSeek.flat();
  console.log(`\n${name}: ${events.length.toLocaleString('en')} events, ${checkpoints} checkpoints, ${runs} runs`);
  console.log(`  build      best ${Math.min(...builds).toFixed(1)} ms, median ${median(builds).toFixed(1)} ms`);
  console.log(`  seek (all) median ${median(all).toFixed(2)} ms, worst ${Math.max(...all).toFixed(2)} ms`);
  seeks.forEach((seq, i) => {
    const times = perSeek[i]!;
    console.log(`    → ${String(seq).padStart(7)}  median ${median(times).toFixed(2)} ms, worst ${Math.max(...times).toFixed(2)} ms`);
  });
}

const runs = argument('runs', 5);
console.log(`replay-seek: node ${nodeProcess.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical CPUs)`);
const demo = parseLog(new Uint8Array(readFileSync(new URL('../../../replays/demo-metrokawa-120.mkawa', import.meta.url)))).events;
bench('demo archive', demo, [4242, 2100, 2101, 1999, 500, 499, 0, 3333, 4000, 12], runs);
bench('long session', longSession(100_000), SEEKS, runs);
