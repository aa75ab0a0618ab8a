/**
 * The final opinions the replay shows, computed from the state with the rules of the report
 * (session_engine/opinions/, the cahier de préconisations), so both say the same thing:
 *
 * * a territory *agrees* with a published statement when at least 60 % of its voters (passes
 *   included) are at "plutôt" or "tout à fait d'accord";
 * * a territory with fewer than k = 5 voters on it is hidden (k-anonymity, with complementary
 *   suppression) and does not count;
 * * a statement is **shared** ("partagé") when at least 3 territories agree (at least 2 when
 *   fewer than 3 territories are shown), **local** when 1 or more but fewer agree, otherwise
 *   **not agreed** by any territory.
 *
 * Majority judgment: a vote's merit profiles count every ballot, a proposal missing from a
 * ballot counting as À rejeter (state.ts voteTally, as majority.py tally_vote); the ranking is
 * src/majority.ts's.
 */
import { POSITION_KEYS, positionCountsByStatement, type SessionView } from '../state';

export const K = 5;
export const AGREE_THRESHOLD = 0.6;
export const SHARED_MIN = 3;

export type Counts = Record<string, number>; // position key ("-2".."2", "pass") -> count


export function total(counts: Counts | undefined): number {
  if (!counts) return 0;
  let n = 0;
  for (const k of POSITION_KEYS) n += counts[k] ?? 0;
  return n;
}

export function agreeShare(counts: Counts | undefined): number | null {
  const n = total(counts);
  return n ? ((counts!['1'] ?? 0) + (counts!['2'] ?? 0)) / n : null;
}

/** opinions.py `suppressed`: under k hidden, then the smallest shown ones until the hidden
 *  together hold 0 or at least k voters. */
export function suppressed(voters: number[], k = K): boolean[] {
  const hidden = voters.map((n) => n < k);
  const hiddenSum = () => voters.reduce((a, n, i) => a + (hidden[i] ? n : 0), 0);
  for (let sum = hiddenSum(); sum > 0 && sum < k; sum = hiddenSum()) {
    let smallest = -1;
    for (let i = 0; i < voters.length; i++) if (!hidden[i] && (smallest < 0 || voters[i]! < voters[smallest]!)) smallest = i;
    if (smallest < 0) break;
    hidden[smallest] = true;
  }
  return hidden;
}

export type Scope = 'shared' | 'local' | 'not_agreed';

export interface TerritoryShare {
  territory: string;
  voters: number;
  /** null when hidden (fewer than k voters) */
  agree: number | null;
}

export interface StatementScope {
  statement: string;
  voters: number;
  /** the whole room's agree share; null under k voters */
  agree: number | null;
  territories: TerritoryShare[];
  eligible: number;
  agreedIn: string[];
  scope: Scope;
}

/** The territories in the report's order: the session's, then any other participants have. */
export function territoryOrder(s: SessionView): string[] {
  const known = Object.keys(s.territories);
  const extra = [...new Set(Object.values(s.participants).map((p) => p.territory))].filter((t) => !known.includes(t)).sort();
  return [...known, ...extra];
}

/** Shared / local / not agreed for every published statement, in the order of the statements. */
export function statementScopes(s: SessionView, byStatement = positionCountsByStatement(s)): StatementScope[] {
  const territories = territoryOrder(s);
  const published = Object.values(s.statements).filter((x) => x.status === 'published');
  return published.map((st) => {
    const per = byStatement.get(st.id) ?? {};
    const voters = territories.map((t) => total(per[t]));
    const hidden = suppressed(voters);
    const shares: TerritoryShare[] = territories.map((t, i) => ({
      territory: t,
      voters: voters[i]!,
      agree: hidden[i] ? null : agreeShare(per[t]),
    }));
    const all: Counts = {};
    // The room: every territory's voters and those of no territory (an archive's aliases).
    for (const counts of Object.values(per)) for (const [k, n] of Object.entries(counts)) all[k] = (all[k] ?? 0) + n;
    const room = total(all);
    const eligible = shares.filter((x) => x.agree !== null).length;
    const agreedIn = shares.filter((x) => x.agree !== null && x.agree >= AGREE_THRESHOLD).map((x) => x.territory);
    const scope: Scope =
      agreedIn.length && agreedIn.length >= Math.max(2, Math.min(SHARED_MIN, eligible)) ? 'shared' : agreedIn.length ? 'local' : 'not_agreed';
    return { statement: st.id, voters: room, agree: room >= K ? agreeShare(all) : null, territories: shares, eligible, agreedIn, scope };
  });
}

/** A vote's merit profiles (grades 0..6), a missing grade counting as À rejeter. */
