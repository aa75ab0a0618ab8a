// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { medianGrade, rankProfiles } from '../src/majority';

/**
 * The engine's external majority-judgment vectors (tests/session_engine/data/majority-judgment/,
 * a copy of shared/reference/majority-judgment; README.md there states the rules) run through the
 * client's src/majority.ts, as tests/session_engine/test_majority.py runs them through the
 * engine's majority.py, so that every screen ranks a vote as the server and the sources do.
 *
 * The client has less surface than the engine: medianGrade and rankProfiles (ranks, majority
 * grades), over profiles worst grade first like the vectors'. The test adapts the inputs, never
 * the vectors: it pads missing judgments as the vector says (the client's own voteTally always
 * counts an ungraded proposal as À rejeter), hands a "Normalized" vector its raw tallies (the
 * client compares shares of each profile's own total, exactly: the order of MieuxVoter's
 * NormalizedTally without the LCM, which can exceed any float), and reads the expected order from
 * what a source publishes (ranks, positions, winners, merits, score strings). Every vector runs
 * unless NOT_FOR_THE_CLIENT names it with the reason.
 */

type Tally = number[];
type Json = any;
interface Vector { id: string; rule: string; family: string; input: Json; expected: Json }

const VECTORS_FILE = new URL('../../../tests/session_engine/data/majority-judgment/vectors.json', import.meta.url);
const VECTORS: Vector[] = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')).vectors;

/** Vectors of what the client does not do, with why. */
const NOT_FOR_THE_CLIENT: Record<string, string> = {
  'mv-java-favor-adhesion': 'favorContestation=false: the client, like the engine in use, always favours contestation',
  'mv-java-unbalanced': 'an input error: the client ranks the profiles it counts itself, always balanced',
  'mv-java-negative': 'an input error (negative count): the client never counts below zero',
  'mv-go-testincoherenttally': 'an input error (negative count), as mv-java-negative',
  'mv-go-testmishapedtally': 'an input error (profiles of different lengths): the client always counts 7 grades',
  'mv-go-testunbalancedtally': 'an input error, as mv-java-unbalanced',
  'mv-php-biggest-group': 'the second group around a given median index: not part of the client',
  'mv-java-resolution-basic-full-example': 'computeResolution (groups by size): not part of the client',
  'mv-java-resolution-one-grade-has-no-judgments': 'computeResolution: not part of the client',
  'mv-java-resolution-many-grades-have-no-judgments': 'computeResolution: not part of the client',
};

/* What the checks leave out of a vector they run (the rest is asserted):
 * - analysis (7 vectors): only median_grade; the outer groups are internal to compareProfiles;
 * - majority-values (2): only the first majority value, the majority grade (no R2 sequence here);
 * - ocaml-wikiFR-EF, -EF2, ocaml-no-votes: majority_sequence (R2) left out; an empty profile's
 *   grade is null there, 0 here (mapped);
 * - mv-java-billions, mv-java-7-billion, mv-java-numeric-merit: the merit integers are read as
 *   the order they imply (bigger is better);
 * - mv-java-numeric-score: the score strings are read as the order they imply (same width);
 * - fabre-ABCD: only the MJ winner, on 3-grade profiles built from (α, p, q) in percent:
 *   [q, 1 − p − q, p];
 * - fabre-elec2012, fabre-elec2017: only the MJ order, on shares × 10,000 (as test_majority.py).
 */

// --- adapting the inputs --------------------------------------------------------------------------

const sum = (t: readonly number[]) => t.reduce((a, b) => a + b, 0);

/** Proposals named "0", "1", … in the vector's order. */
function indexed(tallies: Tally[]): { profiles: Record<string, Tally>; names: string[] } {
  const names = tallies.map((_, i) => String(i));
  return { profiles: Object.fromEntries(names.map((n, i) => [n, tallies[i]!])), names };
}

function generated(vector: Vector): Tally[] {
  if (vector.id === 'mv-java-static-default-1337') return Array.from({ length: 1337 }, () => [7, 204, 107]);
  expect(vector.id).toBe('mv-java-normalized-1437');
  return Array.from({ length: 1437 }, (_, i) => [i, 1, 0]);
}

/** MieuxVoter's missing judgments, as the vector's mode says (pad_tallies in the engine). */
function padded(vector: Vector): Tally[] {
  const input = vector.input;
  const tallies: Tally[] = input.tallies ?? generated(vector);
  const mode = input.missing_judgments_mode ?? 'None';
  if (mode === 'None' || mode === 'Normalized') return tallies;
  const judges: number = input.participants ?? Math.max(...tallies.map(sum));
  return tallies.map((t) => {
    const grade = mode === 'MedianDefault' ? medianGrade(t) : (input.default_grade ?? 0);
    const filled = [...t];
    filled[grade] = filled[grade]! + judges - sum(t);
    return filled;
  });
}

/** The client's rank of each proposal, in the vector's order. */
function ranksOf(tallies: Tally[]): number[] {
  const { profiles, names } = indexed(tallies);
  const rank = Object.fromEntries(rankProfiles(profiles, names).map((r) => [r.proposal, r.rank]));
  return names.map((n) => rank[n]!);
}

function orderOf(profiles: Record<string, Tally>, names = Object.keys(profiles)): string[] {
  return rankProfiles(profiles, names).map((r) => r.proposal);
}

/** Ranks 1 = best from published values where bigger is better; equal values share a rank. */
function ranksFromValues<T extends bigint | string>(values: T[]): number[] {
  return values.map((v) => 1 + values.filter((w) => w > v).length);
}

function votesToTally(votes: number[], low: number, high: number): Tally {
  return Array.from({ length: high - low + 1 }, (_, i) => votes.filter((v) => v === low + i).length);
}

// --- one checker per family (as test_majority.py) -----------------------------------------------

function checkRanking(vector: Vector): void {
  const expected = vector.expected;
  const tallies = padded(vector);
  const ranks = ranksOf(tallies);
  if (expected.ranks) expect(ranks).toEqual(expected.ranks);
  if (expected.ranks_generator) {
    const all1 = String(expected.ranks_generator).includes('all 1');
    expect(ranks).toEqual(all1 ? ranks.map(() => 1) : ranks.map((_, i) => i + 1));
  }
  if (expected.median_grades) expect(tallies.map((t) => medianGrade(t))).toEqual(expected.median_grades);
  if (expected.padded_tallies) expect(tallies).toEqual(expected.padded_tallies);
  const { profiles, names } = indexed(tallies);
  for (const key of ['sorted_indices', 'order_best_first (proposal indices)']) {
    if (expected[key]) expect(orderOf(profiles, names).map(Number)).toEqual(expected[key]);
  }
  if (expected.sorted) expect(orderOf(profiles, names).map((n) => `proposal_${'abcd'[Number(n)]}`)).toEqual(expected.sorted);
  if (expected.merit_mj_score) checkMerit(vector);
}

function checkMerit(vector: Vector): void {
  const merits = (vector.expected.merit_mj_score as string[]).map((m) => BigInt(m));
  const ranks = ranksOf(padded(vector));
  expect(ranks).toEqual(ranksFromValues(merits));
  const implied = vector.expected['ranks_implied_by_merit (bigger is better)'];
  if (implied) expect(ranks).toEqual(implied);
}

function checkNoBallots(vector: Vector): void {
  expect(vector.expected.no_error).toBe(true);
  expect(ranksOf(padded(vector))).toEqual([1, 1]);
}

function checkScoreString(vector: Vector): void {
  const scores: string[] = vector.expected.score;
  expect(new Set(scores.map((s) => s.length)).size).toBe(1);
  expect(ranksOf(vector.input.tallies)).toEqual(ranksFromValues(scores));
}

function checkAnalysis(vector: Vector): void {
  expect(medianGrade(vector.input.tally)).toBe(vector.expected.median_grade);
}

function checkMedian(vector: Vector): void {
  const input = vector.input;
  // Cumulative shares become integer counts (× 1000), as test_majority.py does.
  const tallies: Tally[] =
    input.tallies_list ??
    (input.cumulative_shares_list as number[][]).map((row) => {
      const cumulative = [0, ...row.map((x) => Math.round(x * 1000))];
      return cumulative.slice(1).map((c, i) => c - cumulative[i]!);
    });
  expect(tallies.map((t) => medianGrade(t))).toEqual(vector.expected.median_index);
}

function checkMajorityValues(vector: Vector): void {
  const votes: number[] = vector.input.votes;
  const low = Math.min(...votes);
  expect(low + medianGrade(votesToTally(votes, low, Math.max(...votes)))).toBe(vector.expected.majority_values[0]);
}

function checkPythonPositions(vector: Vector): void {
  const byCandidate: Record<string, number[]> = vector.input.votes_by_candidate;
  const high = Math.max(...Object.values(byCandidate).flat());
  const profiles = Object.fromEntries(
    Object.entries(byCandidate).map(([name, votes]) => {
      const tally = votesToTally(votes, 0, high);
      return [name, vector.input.reverse ? tally.reverse() : tally]; // reverse: smaller is better
    }),
  );
  const positions: Record<string, number> = vector.expected.positions;
  expect(orderOf(profiles)).toEqual(Object.keys(positions).sort((a, b) => positions[a]! - positions[b]!));
}

function checkOcaml(vector: Vector): void {
  const tallies: Record<string, Tally> = vector.input.tallies;
  const grades = Object.fromEntries(Object.entries(tallies).map(([n, t]) => [n, sum(t) ? medianGrade(t) : null]));
  expect(grades).toEqual(vector.expected.majority_grade_index);
  expect(rankProfiles(tallies).filter((r) => r.rank === 1).map((r) => r.proposal)).toEqual(vector.expected.winners);
}

function checkTennessee(vector: Vector): void {
  const names: string[] = vector.input.grades_worst_to_best;
  const ranked = rankProfiles(vector.input.tallies_percent);
  expect(Object.fromEntries(ranked.map((r) => [r.proposal, names[r.majorityGrade]]))).toEqual(vector.expected.majority_grade);
  expect(ranked[0]!.proposal).toBe(vector.expected.winner);
  expect(ranked.map((r) => r.proposal)).toEqual(vector.expected.full_order_derived_by_helper);
}

function checkFabreAbcd(vector: Vector): void {
  const candidates: Record<string, [number, number, number]> = vector.input['candidates (alpha, p, q)'];
  const profiles = Object.fromEntries(
    Object.entries(candidates).map(([name, [, p, q]]) => [name, [q, 1 - p - q, p].map((x) => Math.round(x * 100))]),
  );
  expect(Object.values(profiles).map((t) => medianGrade(t))).toEqual([1, 1, 1, 1]); // the same α for all
  expect(orderOf(profiles)[0]).toBe(vector.expected.winner['mj (majority judgment)']);
}

function checkFabreElection(vector: Vector): void {
  const shares: Record<string, number[]> = vector.input.shares;
  const counts = Object.fromEntries(Object.entries(shares).map(([n, row]) => [n, row.map((s) => Math.round(s * 10_000))]));
  expect(orderOf(counts)).toEqual(vector.expected['orders_by_published_scores (best first)'].mj);
}

function checkerFor(vector: Vector): (v: Vector) => void {
  const { rule, family, id } = vector;
  if (family === 'tie-break-scores') return id === 'fabre-ABCD' ? checkFabreAbcd : checkFabreElection;
  if (rule.startsWith('MJ/mieuxvoter-score')) {
    const byFamily: Record<string, (v: Vector) => void> = { edge: checkNoBallots, merit: checkMerit, 'score-string': checkScoreString };
    return byFamily[family] ?? checkRanking;
  }
  if (family === 'analysis') return checkAnalysis;
  if (family === 'median') return checkMedian;
  if (family === 'majority-values') return checkMajorityValues;
  if (id.startsWith('mv-py-rank')) return checkPythonPositions;
  if (id === 'wiki-tennessee') return checkTennessee;
  if (id.startsWith('ocaml-')) return checkOcaml;
  throw new Error(`no checker for ${id}: add one, or name it in NOT_FOR_THE_CLIENT with the reason`);
}

// --- the tests ------------------------------------------------------------------------------------

const RUN = VECTORS.filter((v) => !(v.id in NOT_FOR_THE_CLIENT));

describe('majority judgment: the reference vectors through the client', () => {
  it('runs all 64 vectors but those named, each with its reason', () => {
    expect(VECTORS).toHaveLength(64);
    const ids = new Set(VECTORS.map((v) => v.id));
    for (const id of Object.keys(NOT_FOR_THE_CLIENT)) expect(ids.has(id), id).toBe(true);
    expect(RUN).toHaveLength(64 - Object.keys(NOT_FOR_THE_CLIENT).length);
    for (const vector of RUN) expect(checkerFor(vector), vector.id).toBeTypeOf('function');
  });

  it.each(RUN.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    checkerFor(vector)(vector);
  });
});
