/**
 * What the projector counts, and the only place its counts come from: who has joined, overall and
 * per territory (`joinedByTerritory`), how many ballots a vote has received (`ballotsReceived`);
 * and which published statements its wall shows (`wallStatements`). Pure functions, tested by
 * vitest (test/projector-counts.test.ts).
 *
 * Both counts are read from the tallies (the `tallies` frame, docs/protocol.md *Tallies*): the
 * projector no longer receives other people's joins nor any ballot. Before the first frame (it
 * follows the welcome at once) the joined figures say 0 and no ballot count is shown.
 */
import { idNumber, voteTallyOf, type SessionView, type StatementView } from '../state';

export interface TerritoryCount {
  territory: string;
  name: string;
  count: number;
}

export interface Joined {
  /** everyone still in the session (not removed, erased, or merged into another entry) */
  total: number;
  /** every territory of the session, in its order, with how many of them come from it */
  territories: TerritoryCount[];
}

/** Who has joined and is still in the session, overall and per territory of the session (a
 *  territory nobody came from yet says 0), from the tallies. */
export function joinedByTerritory(view: SessionView): Joined {
  const joined = view.tallies?.joined;
  const territories = Object.values(view.territories)
    .sort((a, b) => idNumber(a.id) - idNumber(b.id))
    .map((t) => ({ territory: t.id, name: t.name, count: joined?.territories[t.id] ?? 0 }));
  return { total: joined?.total ?? 0, territories };
}

/** How many ballots this vote has received (a count, never whose), from the tallies; null while
 *  the tallies do not say it yet. */
export function ballotsReceived(view: SessionView, vote: string): number | null {
  return voteTallyOf(view.tallies, vote)?.ballots ?? null;
}

/** The published statements on the wall: those of the round open now (running or paused), or of
 *  the whole session when no round is open; newest first, so that the one just published is
 *  at the top of the wall and the oldest are the ones that do not fit. Statements are numbered as
 *  they are written (s1, s2, …) and the moderation queue publishes them in that order. */
export function wallStatements(view: SessionView): StatementView[] {
  const round = view.current_round ? view.rounds[view.current_round - 1] : null;
  const open = round && round.status !== 'ended' ? round.number : null;
  return Object.values(view.statements)
    .filter((s) => s.status === 'published' && s.text && (open === null || s.round === open))
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
}
