/**
 * Pure helpers of the facilitator console and the projector: the typed shape of the snapshot
 * (what session_engine/visibility.py sends), the seating-plan quality figures, majority-judgment
 * ranking of merit profiles, and small readers of the state. No DOM, no network: tested by vitest.
 */

export type RoundKind = 'table' | 'plenary' | 'vote';
export type RoundStatus = 'pending' | 'running' | 'paused' | 'ended';
export type StatementStatus = 'proposed' | 'published' | 'hidden' | 'merged';

export interface TerritoryV { id: string; name: string; commune: string; qpv: boolean }
export interface RoundSpecV { kind: RoundKind; prompt: string; duration_ms: number }
export interface RoundV {
  number: number;
  spec: RoundSpecV;
  status: RoundStatus;
  deadline: number | null;
  remaining_ms: number | null;
  hosts: Record<string, string>;
  end_reason: string | null;
}
export interface ParticipantV {
  id: string;
  pseudonym: string;
  territory: string;
  role: 'habitant' | 'elu' | 'technicien' | 'autre';
  stays_seated: boolean;
  consent: boolean;
  table: number | null;
  times_hosted: number;
}
export interface TableV { table: number; host: string | null; members: string[] }
export interface StatementV {
  id: string;
  author: string;
  text: string | null;
  kind: 'problem' | 'idea';
  round: number;
  table: number | null;
  status: StatementStatus;
  merged_into: string | null;
}
export interface SynthesisV { round: number; table: number; host: string; text: string }
export interface ProposalV { id: string; statement: string; text: string }
export interface VoteV { id: string; proposals: string[]; open: boolean; ballots: Record<string, Record<string, number>> }
export interface ResultsV { statement: string | null; vote: string | null; profiles: Record<string, number[]> }

/** The snapshot as the facilitator (everything) or the public (redacted) receives it. */
export interface View {
  created: boolean;
  closed: boolean;
  title: string;
  territories: Record<string, TerritoryV>;
  table_size: number;
  host_policy: 'stay' | 'rotate';
  rounds: RoundV[];
  current_round: number;
  participants: Record<string, ParticipantV>;
  tables: Record<string, TableV>;
  pair_counts: Record<string, number>;
  statements: Record<string, StatementV>;
  positions: Record<string, number | null>;
  syntheses: Record<string, SynthesisV>;
  proposals: Record<string, ProposalV>;
  votes: Record<string, VoteV>;
  results?: ResultsV | null;
}

/** The store's state seen through the typed shape above; missing maps read as empty. */
export function asView(state: unknown): View {
  const s = (state ?? {}) as Partial<View>;
  return {
    created: s.created ?? false,
    closed: s.closed ?? false,
    title: s.title ?? '',
    territories: s.territories ?? {},
    table_size: s.table_size ?? 6,
    host_policy: s.host_policy ?? 'rotate',
    rounds: s.rounds ?? [],
    current_round: s.current_round ?? 0,
    participants: s.participants ?? {},
    tables: s.tables ?? {},
    pair_counts: s.pair_counts ?? {},
    statements: s.statements ?? {},
    positions: s.positions ?? {},
    syntheses: s.syntheses ?? {},
    proposals: s.proposals ?? {},
    votes: s.votes ?? {},
    results: s.results ?? null,
  };
}

/** Numeric part of an id such as "s12", "p3", "pr2", for natural ordering. */
export function idNumber(id: string): number {
  const match = /(\d+)$/.exec(id);
  return match ? Number(match[1]) : 0;
}

export function byIdAsc<T extends { id: string }>(a: T, b: T): number {
  return idNumber(a.id) - idNumber(b.id);
}

/** The tables of the plan in force, by number. */
export function tablesInOrder(view: View): TableV[] {
  return Object.values(view.tables).sort((a, b) => a.table - b.table);
}

/** How often two participants have sat together. The server keys pairs "a|b" in natural order
 *  (p9 before p10); both spellings are read and added, whichever order a client store used. */
export function pairCount(view: View, a: string, b: string): number {
  const one = view.pair_counts[`${a}|${b}`] ?? 0;
  return a === b ? one : one + (view.pair_counts[`${b}|${a}`] ?? 0);
}

/** As the seating algorithm counts it: a resident (habitant) of a QPV territory. */
export function isQpvResident(view: View, participant: string): boolean {
  const person = view.participants[participant];
  if (!person) return false;
  return person.role === 'habitant' && Boolean(view.territories[person.territory]?.qpv);
}

export interface SeatingQuality {
  tables: number;
  seated: number;
  /** Fewest distinct territories at one table (0 when there is no table). */
  minTerritories: number;
  /** Tables with at least one resident of a QPV territory. */
  tablesWithQpv: number;
  /** Pairs at the same table now who had already sat together in an earlier plan. */
  repeatedPairs: number;
}

export function seatingQuality(view: View): SeatingQuality {
  const tables = tablesInOrder(view);
  let seated = 0;
  let minTerritories = Infinity;
  let tablesWithQpv = 0;
  let repeatedPairs = 0;
  for (const table of tables) {
    const members = table.members;
    seated += members.length;
    const territories = new Set(members.map((m) => view.participants[m]?.territory).filter(Boolean));
    minTerritories = Math.min(minTerritories, territories.size);
    if (members.some((m) => isQpvResident(view, m))) tablesWithQpv += 1;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        // pair_counts already holds the plan in force: 2 or more means they met before.
        if (pairCount(view, members[i]!, members[j]!) >= 2) repeatedPairs += 1;
      }
    }
  }
  return {
    tables: tables.length,
    seated,
    minTerritories: tables.length ? minTerritories : 0,
    tablesWithQpv,
    repeatedPairs,
  };
}

export interface TerritoryCount { territory: TerritoryV; joined: number; connected: number }

/** Per territory: how many joined (state) and how many are connected now (presence frame). */
export function territoryCounts(view: View, connectedByTerritory: Record<string, number>): TerritoryCount[] {
  const joined: Record<string, number> = {};
  for (const person of Object.values(view.participants)) {
    joined[person.territory] = (joined[person.territory] ?? 0) + 1;
  }
  return Object.values(view.territories)
    .sort(byIdAsc)
    .map((territory) => ({
      territory,
      joined: joined[territory.id] ?? 0,
      connected: connectedByTerritory[territory.id] ?? 0,
    }));
}

/** The round started last (running, paused or ended), or null before the first. */
export function roundStartedLast(view: View): RoundV | null {
  return view.current_round ? (view.rounds[view.current_round - 1] ?? null) : null;
}

/** The next round of the agenda (what StartRound would start), or null when the agenda is done. */
export function nextRound(view: View): RoundV | null {
  return view.rounds[view.current_round] ?? null;
}

export function isRoundLive(round: RoundV | null): boolean {
  return round !== null && (round.status === 'running' || round.status === 'paused');
}

/** Milliseconds left in a round at server time `now` (0 when over, null when not started). */
export function remainingMs(round: RoundV | null, now: number): number | null {
  if (!round) return null;
  if (round.status === 'running' && round.deadline !== null) return Math.max(0, round.deadline - now);
  if (round.status === 'paused' && round.remaining_ms !== null) return Math.max(0, round.remaining_ms);
  if (round.status === 'ended') return 0;
  return null;
}

/** "mm:ss" (or "h:mm:ss") of a duration in milliseconds, rounded up to the second. */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Statements in the moderation queue, newest first. */
export function moderationQueue(view: View): StatementV[] {
  return Object.values(view.statements)
    .filter((s) => s.status === 'proposed')
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
}

export function publishedStatements(view: View): StatementV[] {
  return Object.values(view.statements)
    .filter((s) => s.status === 'published')
    .sort(byIdAsc);
}

/** Count of positions on one statement by value ("-2".."2" and "pass"), over all territories. */
export function positionTotals(view: View, statement: string): Record<string, number> {
  const totals: Record<string, number> = { '-2': 0, '-1': 0, '0': 0, '1': 0, '2': 0, pass: 0 };
  const suffix = `|${statement}`;
  for (const [key, value] of Object.entries(view.positions)) {
    if (!key.endsWith(suffix)) continue;
    const bucket = value === null || value === undefined ? 'pass' : String(value);
    totals[bucket] = (totals[bucket] ?? 0) + 1;
  }
  return totals;
}

/** Per territory and value, the positions taken on one statement (territory of each participant). */
export function positionsByTerritory(view: View, statement: string): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  const suffix = `|${statement}`;
  for (const [key, value] of Object.entries(view.positions)) {
    if (!key.endsWith(suffix)) continue;
    const participant = key.slice(0, key.length - suffix.length);
    const territory = view.participants[participant]?.territory ?? 'unknown';
    const bucket = value === null || value === undefined ? 'pass' : String(value);
    const row = (counts[territory] ??= {});
    row[bucket] = (row[bucket] ?? 0) + 1;
  }
  return counts;
}

export function proposalOf(view: View, statement: string): ProposalV | null {
  return Object.values(view.proposals).find((p) => p.statement === statement) ?? null;
}

export function openVote(view: View): VoteV | null {
  return Object.values(view.votes).find((v) => v.open) ?? null;
}

/** Syntheses grouped by round (ascending), each list by table. */
export function synthesesByRound(view: View): Array<{ round: number; items: SynthesisV[] }> {
  const groups = new Map<number, SynthesisV[]>();
  for (const synthesis of Object.values(view.syntheses)) {
    const list = groups.get(synthesis.round) ?? [];
    list.push(synthesis);
    groups.set(synthesis.round, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, items]) => ({ round, items: items.sort((a, b) => a.table - b.table) }));
}

// --- majority judgment (port of session_engine/majority.py: median_grade, score, rank) ---------

/** The lower median grade of a merit profile (worst grade first); 0 for an empty profile. */
export function medianGrade(tally: readonly number[]): number {
  const total = tally.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let grade = 0; grade < tally.length; grade++) {
    cumulative += tally[grade]!;
    if (2 * cumulative >= total) return grade;
  }
  return 0;
}

interface Step { grade: number; sign: number; size: number }

/** The iterated majority gauge (rule R1): one step per grade of the scale. */
export function gaugeSteps(tally: readonly number[]): Step[] {
  const current = [...tally];
  const steps: Step[] = [];
  for (let i = 0; i < current.length; i++) {
    const alpha = medianGrade(current);
    let q = 0;
    let p = 0;
    let below = -1;
    let above = -1;
    for (let g = 0; g < current.length; g++) {
      if (g < alpha) {
        q += current[g]!;
        if (current[g]! > 0) below = g;
      } else if (g > alpha) {
        p += current[g]!;
        if (current[g]! > 0 && above < 0) above = g;
      }
    }
    let target: number;
    let step: Step;
    if (p === 0 && q === 0) {
      target = 0;
      step = { grade: alpha, sign: 0, size: 0 };
    } else if (q >= p) {
      target = below < 0 ? 0 : below;
      step = { grade: alpha, sign: -1, size: q };
    } else {
      target = above < 0 ? 0 : above;
      step = { grade: alpha, sign: 1, size: p };
    }
    steps.push(step);
    const moved = current[alpha]!;
    current[alpha] = 0;
    current[target] = current[target]! + moved;
  }
  return steps;
}

/** Compare two profiles: > 0 when a ranks above b, 0 on an exact tie. */
export function compareProfiles(a: readonly number[], b: readonly number[]): number {
  const ta = a.reduce((x, y) => x + y, 0) || 1;
  const tb = b.reduce((x, y) => x + y, 0) || 1;
  const sa = gaugeSteps(a);
  const sb = gaugeSteps(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i] ?? { grade: 0, sign: 0, size: 0 };
    const y = sb[i] ?? { grade: 0, sign: 0, size: 0 };
    if (x.grade !== y.grade) return x.grade - y.grade;
    // Compare the signed group shares x.sign*x.size/ta and y.sign*y.size/tb exactly.
    const left = x.sign * x.size * tb;
    const right = y.sign * y.size * ta;
    if (left !== right) return left - right;
  }
  return 0;
}

export interface Ranked { proposal: string; rank: number; majorityGrade: number; profile: number[] }

/** Proposals best first; exact ties share a rank (1, 1, 3) and keep their input order. */
export function rankProfiles(profiles: Record<string, readonly number[]>, order?: readonly string[]): Ranked[] {
  const names = order ? order.filter((n) => n in profiles) : Object.keys(profiles);
  const sorted = names
    .map((name, index) => ({ name, index }))
    .sort((a, b) => compareProfiles(profiles[b.name]!, profiles[a.name]!) || a.index - b.index);
  const ranked: Ranked[] = [];
  sorted.forEach(({ name }, position) => {
    const previous = ranked[ranked.length - 1];
    const tied = previous !== undefined && compareProfiles(profiles[previous.proposal]!, profiles[name]!) === 0;
    const profile = [...profiles[name]!];
    ranked.push({
      proposal: name,
      rank: tied ? previous.rank : position + 1,
      majorityGrade: medianGrade(profile),
      profile,
    });
  });
  return ranked;
}

// --- small readers of the page's address ---------------------------------------------------------

/** The session id of /f/{id} or /p/{id}; in development also ?session={id}. */
export function sessionIdFromLocation(loc: { pathname: string; search: string }): string | null {
  const match = /^\/[fp]\/([^/]+)\/?$/.exec(loc.pathname);
  if (match) return decodeURIComponent(match[1]!);
  const query = new URLSearchParams(loc.search).get('session');
  return query || null;
}

/** The facilitator token in a fragment "#token=…", or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token ? token : null;
}
