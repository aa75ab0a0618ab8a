/**
 * Tallies: what the room, the projector and the console see of positions, ballots and joins — the
 * `tallies` frame's body (docs/protocol.md, *Tallies*), and a port of session_engine/tallies.py.
 *
 * Live, the server sends them (a participant holds only its own positions, the console none). The
 * replay viewer holds the whole log: wherever it shows figures per territory or per role it
 * computes them here, under the same k-anonymity rule as the cahier
 * (session_engine/opinions/breakdown.py `suppressed`): a group under k voters, and whatever
 * complementary suppression hides with it, is hidden and carries no figure at all.
 * test/tallies.test.ts compares this port with the engine on the golden replays.
 */
import type { SessionView, StatementTally, Tallies, TallyGroup, VoteTally } from './types';

export const DEFAULT_K = 5;
export const ALL_GROUP = 'all';
const ROLES = ['habitant', 'elu', 'technicien', 'autre'] as const;

/** breakdown.py `suppressed`: which groups of one partition are hidden (under k, then
 *  complementary suppression until the hidden ones hold 0 or at least k voters together). */
export function suppressed(voters: number[], k: number): boolean[] {
  const hidden = voters.map((n) => n < k);
  for (;;) {
    const sum = voters.reduce((a, n, i) => a + (hidden[i] ? n : 0), 0);
    if (!(sum > 0 && sum < k)) break;
    let smallest = -1;
    for (let i = 0; i < voters.length; i++) {
      if (!hidden[i] && (smallest < 0 || voters[i]! < voters[smallest]!)) smallest = i;
    }
    if (smallest < 0) break;
    hidden[smallest] = true;
  }
  return hidden;
}

/** The tallies of a whole state (the replay viewer's), as session_engine/tallies.py computes them. */
export function computeTallies(s: SessionView, k: number = DEFAULT_K): Tallies {
  const known = Object.keys(s.territories);
  const extra = [...new Set(Object.values(s.participants).map((p) => p.territory))].filter((t) => !known.includes(t)).sort();
  const territories = [...known, ...extra];
  const people = new Map(
    Object.values(s.participants)
      .filter((p) => p.status !== 'merged' && p.status !== 'erased')
      .map((p) => [p.id, p]),
  );
  const published = Object.values(s.statements).filter((x) => x.status === 'published').map((x) => x.id);
  // statement -> territory / role -> counts per code (0..4 = value + 2, 5 = pass)
  const cells = new Map<string, { room: number[]; territory: Map<string, number[]>; role: Map<string, number[]> }>();
  for (const id of published) {
    cells.set(id, {
      room: zeros(6),
      territory: new Map(territories.map((t) => [t, zeros(6)])),
      role: new Map(ROLES.map((r) => [r, zeros(6)])),
    });
  }
  for (const [key, value] of Object.entries(s.positions)) {
    const bar = key.lastIndexOf('|');
    const voter = key.slice(0, bar);
    const person = people.get(voter);
    const cell = cells.get(key.slice(bar + 1));
    // A voter no join names (an archive's published log gives aliases, v1, v2…: nobody's
    // positions as theirs) counts in the room, in no territory nor role. Nobody (''): an erased
    // person's positions, counted nowhere; a merged or erased entry: counted nowhere.
    const unknown = !person && voter !== '' && !(voter in s.participants);
    if (!cell || (!person && !unknown)) continue;
    const code = value == null ? 5 : value + 2;
    cell.room[code]! += 1;
    if (!person) continue;
    cell.territory.get(person.territory)![code]! += 1;
    cell.role.get(person.role)![code]! += 1;
  }
  const present = Object.values(s.participants).filter((p) => p.status === 'present');
  return {
    k_anonymity: k,
    joined: {
      total: present.length,
      territories: Object.fromEntries(territories.map((t) => [t, present.filter((p) => p.territory === t).length])),
      roles: Object.fromEntries(ROLES.map((r) => [r, present.filter((p) => p.role === r).length])),
    },
    statements: published.map((id) => {
      const cell = cells.get(id)!;
      return {
        statement: id,
        overall: partition([ALL_GROUP], [cell.room], k)[0]!,
        territories: partition(territories, territories.map((t) => cell.territory.get(t)!), k),
        roles: partition([...ROLES], ROLES.map((r) => cell.role.get(r)!), k),
      };
    }),
    votes: Object.values(s.votes).map((v) => {
      const ballots = Object.keys(v.ballots).length + (v.paper ?? []).reduce((n, stack) => n + stack.count, 0); // paper ones included
      // A closed vote's profiles, unless it holds fewer than k ballots (the k rule of a group).
      const shown = !v.open && ballots >= k;
      return {
        vote: v.id,
        open: v.open,
        ballots,
        waiting: present.filter((p) => !(p.id in v.ballots)).length,
        profiles: shown ? meritProfiles(v.proposals, [...Object.values(v.ballots), ...(v.paper ?? []).flatMap((stack) => stack.ballots)]) : null,
      };
    }),
  };
}

/** majority.py `tally_vote`: a proposal missing from a ballot counts as À rejeter. */
function meritProfiles(proposals: string[], ballots: Record<string, number>[]): Record<string, number[]> {
  const profiles: Record<string, number[]> = {};
  for (const proposal of proposals) profiles[proposal] = zeros(7);
  for (const ballot of ballots) {
    for (const proposal of proposals) profiles[proposal]![ballot[proposal] ?? 0]! += 1;
  }
  return profiles;
}

function partition(names: string[], counts: number[][], k: number): TallyGroup[] {
  const voters = counts.map((c) => c.reduce((a, b) => a + b, 0));
  const hidden = suppressed(voters, k);
  return names.map((group, i) =>
    hidden[i]
      ? { group, hidden: true, voters: null, counts: null, passes: null }
      : { group, hidden: false, voters: voters[i]!, counts: counts[i]!.slice(0, 5), passes: counts[i]![5]! },
  );
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** The tally of one statement, if it has one. */
export function statementTally(tallies: Tallies | null | undefined, statement: string): StatementTally | null {
  return tallies?.statements.find((x) => x.statement === statement) ?? null;
}

/** The tally of one vote, if it has one. */
export function voteTallyOf(tallies: Tallies | null | undefined, vote: string): VoteTally | null {
  return tallies?.votes.find((x) => x.vote === vote) ?? null;
}
