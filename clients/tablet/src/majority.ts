/**
 * Majority judgment, as the engine ranks it: a port of session_engine/majority.py
 * (median_grade, score, rank). A merit profile counts the judgments at each grade, worst first.
 * The console, the projector and the participant's results all rank with this module, so the
 * order on every screen is the server's order.
 */

/** The lower median grade of a merit profile; 0 for an empty profile (as the engine). */
export function medianGrade(tally: readonly number[]): number {
  const total = tally.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let grade = 0; grade < tally.length; grade++) {
    cumulative += tally[grade]!;
    if (2 * cumulative >= total) return grade;
  }
  return 0;
}

/** One step of the majority gauge: the median grade and the larger outer group
 *  (sign +1: adhesion p decides, −1: contestation q decides, 0: nobody outside the median). */
interface GaugeStep { grade: number; sign: number; size: number }

/** The median group merges into the nearest grade of the larger outer group (contestation wins
 *  a tie); with nobody outside the median, the engine moves it to grade 0. */
function gaugeStep(tally: readonly number[]): { step: GaugeStep; target: number } {
  const alpha = medianGrade(tally);
  let q = 0;
  let p = 0;
  let below = 0;
  let above = -1;
  for (let g = 0; g < tally.length; g++) {
    const count = tally[g]!;
    if (g < alpha) {
      q += count;
      if (count > 0) below = g;
    } else if (g > alpha) {
      p += count;
      if (count > 0 && above < 0) above = g;
    }
  }
  if (p === 0 && q === 0) return { step: { grade: alpha, sign: 0, size: 0 }, target: 0 };
  if (q >= p) return { step: { grade: alpha, sign: -1, size: q }, target: below };
  return { step: { grade: alpha, sign: 1, size: p }, target: above };
}

/** The iterated majority gauge (rule R1 of majority.py `score`): one step per grade. */
function gaugeSteps(tally: readonly number[]): GaugeStep[] {
  const current = [...tally];
  const steps: GaugeStep[] = [];
  for (let i = 0; i < current.length; i++) {
    const { step, target } = gaugeStep(current);
    steps.push(step);
    const moved = current[step.grade]!;
    current[step.grade] = 0;
    current[target] = current[target]! + moved;
  }
  return steps;
}

/** > 0 when profile a ranks above b, 0 on an exact tie. Group sizes are compared as shares of
 *  each profile's own total (cross-multiplied, so exactly, like the engine's Fraction). */
export function compareProfiles(a: readonly number[], b: readonly number[]): number {
  const totalA = a.reduce((x, y) => x + y, 0) || 1;
  const totalB = b.reduce((x, y) => x + y, 0) || 1;
  const stepsA = gaugeSteps(a);
  const stepsB = gaugeSteps(b);
  const none: GaugeStep = { grade: 0, sign: 0, size: 0 };
  for (let i = 0; i < Math.max(stepsA.length, stepsB.length); i++) {
    const x = stepsA[i] ?? none;
    const y = stepsB[i] ?? none;
    if (x.grade !== y.grade) return x.grade - y.grade;
    const left = x.sign * x.size * totalB;
    const right = y.sign * y.size * totalA;
    if (left !== right) return left - right;
  }
  return 0;
}

export interface RankedProposal { proposal: string; rank: number; majorityGrade: number; profile: number[] }

/** Proposals best first; exact ties share a rank (1, 1, 3) and keep the given order
 *  (`order`, e.g. the vote's proposals; else the profiles' own key order). */
export function rankProfiles(profiles: Record<string, readonly number[]>, order?: readonly string[]): RankedProposal[] {
  const names = order ? order.filter((n) => n in profiles) : Object.keys(profiles);
  const sorted = names
    .map((name, index) => ({ name, index }))
    .sort((a, b) => compareProfiles(profiles[b.name]!, profiles[a.name]!) || a.index - b.index);
  const ranked: RankedProposal[] = [];
  sorted.forEach(({ name }, position) => {
    const previous = ranked[ranked.length - 1];
    const tied = previous !== undefined && compareProfiles(previous.profile, profiles[name]!) === 0;
    const profile = [...profiles[name]!];
    ranked.push({ proposal: name, rank: tied ? previous.rank : position + 1, majorityGrade: medianGrade(profile), profile });
  });
  return ranked;
}
