/** Derived views over the session: the current and next round, who sits and hosts where, positions
 *  and their distribution, published statements, the open vote. Pure functions of the view. */
import type { ParticipantView, PositionValue, RoundView, SessionView, StatementView, VoteView } from './types';
import { idNumber } from './ids';

/** The round started last (running, paused or ended), or null before the first. */
export function currentRound(s: SessionView): RoundView | null {
  return s.current_round ? (s.rounds[s.current_round - 1] ?? null) : null;
}

/** Participants may write (statements, positions, notes) only while a round runs in an open
 *  session, and, given the server's time `now`, before the round's deadline: the server refuses
 *  them from the deadline on, even before the clock's RoundEnded reaches a tablet (or when an
 *  offline tablet never hears it). The tablet disables the controls first. */
export function isWritingOpen(s: SessionView, now?: number): boolean {
  const round = currentRound(s);
  if (round?.status !== 'running' || s.closed) return false;
  return now === undefined || round.deadline == null || now < round.deadline;
}

/** The next round of the agenda (what StartRound would start), or null when the agenda is done. */
export function nextRound(s: SessionView): RoundView | null {
  return s.rounds[s.current_round] ?? null;
}

/** The table this participant sits at in the plan in force. */
export function tableOf(s: SessionView, participant: string): number | null {
  const p = s.participants[participant];
  if (p && p.table != null) return p.table;
  for (const t of Object.values(s.tables)) if (t.members.includes(participant)) return t.table;
  return null;
}

/** The table this participant hosts in the current round (may submit its synthesis), if any. */
export function hostedTable(s: SessionView, participant: string): number | null {
  const r = currentRound(s);
  if (!r) return null;
  for (const [table, host] of Object.entries(r.hosts)) if (host === participant) return Number(table);
  return null;
}

/** Who hosts a table: the current round's plan when a round is open, else the seating plan. */
export function hostOfTable(s: SessionView, table: number): string | null {
  const r = currentRound(s);
  if (r && r.status !== 'ended' && r.hosts[String(table)]) return r.hosts[String(table)];
  return s.tables[String(table)]?.host ?? null;
}

/** Does this participant host (or is about to host) a table? */
export function isHost(s: SessionView, participant: string): boolean {
  if (hostedTable(s, participant) != null) return true;
  const table = tableOf(s, participant);
  return table != null && hostOfTable(s, table) === participant;
}

export const POSITION_KEYS = ['-2', '-1', '0', '1', '2', 'pass'] as const;
export type PositionKey = (typeof POSITION_KEYS)[number];

export function positionKey(value: PositionValue): PositionKey {
  return value == null ? 'pass' : (String(value) as PositionKey);
}

/** Where positions of a voter no join names are counted: in no territory of the session. */
export const UNKNOWN_TERRITORY = '?';

/** Distribution of the positions on every statement: statement → territory → position key →
 *  count, in one pass over the positions (the replay redraws them all at each step). A voter no
 *  join names (an archive's aliases) is under `UNKNOWN_TERRITORY`; nobody ('', an erased
 *  person's positions in an archive) is left out. */
export function positionCountsByStatement(s: SessionView): Map<string, Record<string, Record<string, number>>> {
  const out = new Map<string, Record<string, Record<string, number>>>();
  for (const [key, value] of Object.entries(s.positions)) {
    const bar = key.lastIndexOf('|');
    if (bar === 0) continue;
    const statement = key.slice(bar + 1);
    const territory = s.participants[key.slice(0, bar)]?.territory ?? UNKNOWN_TERRITORY;
    let perTerritory = out.get(statement);
    if (!perTerritory) out.set(statement, (perTerritory = {}));
    const counts = (perTerritory[territory] ??= {});
    const k = positionKey(value);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return out;
}

/** Distribution of the positions on a statement, per territory of the participants. */
export function positionCounts(s: SessionView, statement: string): Record<string, Record<string, number>> {
  return positionCountsByStatement(s).get(statement) ?? {};
}

/** This participant's position on a statement: a value, null (passed), or undefined (none). */
export function positionOf(s: SessionView, participant: string, statement: string): PositionValue | undefined {
  const key = `${participant}|${statement}`;
  return key in s.positions ? s.positions[key] : undefined;
}

/** Published statements, in the order they were proposed (s1, s2, …). */
export function publishedStatements(s: SessionView): StatementView[] {
  return Object.values(s.statements)
    .filter((x) => x.status === 'published')
    .sort((a, b) => idNumber(a.id) - idNumber(b.id));
}

/** The vote open now, if any. */
export function openVote(s: SessionView): VoteView | null {
  return Object.values(s.votes).find((v) => v.open) ?? null;
}

/** Members of a table, as participants (unknown ids skipped). */
export function tableMembers(s: SessionView, table: number): ParticipantView[] {
  const t = s.tables[String(table)];
  if (!t) return [];
  return t.members.map((m) => s.participants[m]).filter((p): p is ParticipantView => !!p);
}
