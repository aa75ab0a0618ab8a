/**
 * What only the facilitator console works out from the state (src/state.ts): the seating-plan
 * quality figures, people per territory, the moderation queue, position totals, the preview of
 * a vote's profiles from the ballots only the facilitator sees. No DOM, no network: tested by vitest.
 */
import {
  idNumber,
  pairKey,
  type TallyGroup,
  presentParticipants,
  POSITION_KEYS,
  type ProposalView,
  type RoundView,
  type SessionView,
  type StatementView,
  type SynthesisView,
  type TableView,
  type TerritoryView,
} from '../state';

/** The tables of the plan in force, by number. */
export function tablesInOrder(view: SessionView): TableView[] {
  return Object.values(view.tables).sort((a, b) => a.table - b.table);
}

/** How often two participants have sat together (the plan in force included). */
export function pairCount(view: SessionView, a: string, b: string): number {
  return view.pair_counts[pairKey(a, b)] ?? 0;
}

/** As the seating algorithm counts it: a resident (habitant) of a QPV territory. */
export function isQpvResident(view: SessionView, participant: string): boolean {
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

export function seatingQuality(view: SessionView): SeatingQuality {
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

export interface TerritoryCount { territory: TerritoryView; joined: number; connected: number }

/** Per territory: how many joined (state) and how many are connected now (presence frame). */
export function territoryCounts(view: SessionView, connectedByTerritory: Record<string, number>): TerritoryCount[] {
  const joined: Record<string, number> = {};
  for (const person of presentParticipants(view)) {
    joined[person.territory] = (joined[person.territory] ?? 0) + 1;
  }
  return Object.values(view.territories)
    .sort((a, b) => idNumber(a.id) - idNumber(b.id))
    .map((territory) => ({
      territory,
      joined: joined[territory.id] ?? 0,
      connected: connectedByTerritory[territory.id] ?? 0,
    }));
}

export function isRoundLive(round: RoundView | null): boolean {
  return round !== null && (round.status === 'running' || round.status === 'paused');
}

/** Statements in the moderation queue, newest first. */
export function moderationQueue(view: SessionView): StatementView[] {
  return Object.values(view.statements)
    .filter((s) => s.status === 'proposed')
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
}

/** Count of positions on one statement by value ("-2".."2" and "pass"), over all territories. */
/** A shown group's counts by position key ("-2".."2", "pass"); zeros for a hidden one. */
export function positionTotals(group: TallyGroup): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(POSITION_KEYS.map((k) => [k, 0]));
  if (group.hidden || !group.counts) return totals;
  POSITION_KEYS.forEach((key, i) => {
    totals[key] = (key === 'pass' ? group.passes : group.counts![i]) ?? 0;
  });
  return totals;
}

export function proposalOf(view: SessionView, statement: string): ProposalView | null {
  return Object.values(view.proposals).find((p) => p.statement === statement) ?? null;
}

/** Syntheses grouped by round (ascending), each list by table. */
export function synthesesByRound(view: SessionView): Array<{ round: number; items: SynthesisView[] }> {
  const groups = new Map<number, SynthesisView[]>();
  for (const synthesis of Object.values(view.syntheses)) {
    const list = groups.get(synthesis.round) ?? [];
    list.push(synthesis);
    groups.set(synthesis.round, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, items]) => ({ round, items: items.sort((a, b) => a.table - b.table) }));
}

/** The forum's figures per territory (the console's « Le forum par territoire »): people present,
 *  contributions published and waiting for moderation, by their author's territory — every
 *  territory of the session in its order, then one row for contributions with no territory
 *  (imported ones) when there are some. */
export interface ForumRow {
  territory: TerritoryView | null;
  participants: number;
  published: number;
  waiting: number;
}

export function forumRows(view: SessionView): ForumRow[] {
  const rows = new Map<string | null, ForumRow>();
  for (const ter of Object.values(view.territories)) rows.set(ter.id, { territory: ter, participants: 0, published: 0, waiting: 0 });
  for (const p of presentParticipants(view)) {
    const row = rows.get(p.territory);
    if (row) row.participants += 1;
  }
  for (const st of Object.values(view.statements)) {
    if (st.status !== 'published' && st.status !== 'proposed') continue;
    const key = st.territory && rows.has(st.territory) ? st.territory : null;
    if (!rows.has(key)) rows.set(key, { territory: null, participants: 0, published: 0, waiting: 0 });
    const row = rows.get(key)!;
    if (st.status === 'published') row.published += 1;
    else row.waiting += 1;
  }
  return [...rows.values()];
}
