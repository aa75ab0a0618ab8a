/**
 * The programme's usual session, as server/simulation/offline.py `demo_session_command()` builds it
 * (territories and agenda of server/simulation/population.py), to prefill the creation form; and the pure
 * checks and body of POST /api/sessions.
 */

export type RoundKind = 'table' | 'plenary' | 'vote';
export interface TerritoryDraft { name: string; commune: string; qpv: boolean }
export interface RoundDraft { kind: RoundKind; prompt: string; minutes: number }
export interface SessionDraft {
  title: string;
  territories: TerritoryDraft[];
  agenda: RoundDraft[];
  tableSize: number;
  hostPolicy: 'rotate' | 'stay';
}

export function demoDraft(): SessionDraft {
  return {
    title: 'Métrokawa du Grand Paris : du quartier à la métropole',
    territories: [
      { name: "La Goutte d'Or", commune: 'Paris 18e', qpv: true },
      { name: 'Vincennes centre', commune: 'Vincennes', qpv: false },
      { name: 'Les Francs-Moisins', commune: 'Saint-Denis', qpv: true },
      { name: 'La Cité des 4000', commune: 'La Courneuve', qpv: true },
      { name: 'Issy – Val de Seine', commune: 'Issy-les-Moulineaux', qpv: false },
      { name: 'Les Courtillières', commune: 'Pantin', qpv: true },
    ],
    agenda: [
      { kind: 'table', prompt: 'Quels problèmes vivez-vous dans votre quartier ?', minutes: 25 },
      { kind: 'table', prompt: 'Ces problèmes existent-ils ailleurs dans la métropole ?', minutes: 25 },
      { kind: 'table', prompt: 'Quelles solutions proposer ?', minutes: 25 },
      { kind: 'vote', prompt: 'Vote : quelles préconisations pour le conseil municipal ?', minutes: 20 },
    ],
    tableSize: 6,
    hostPolicy: 'rotate',
  };
}

/** Limits of session_engine/decide.py `_create_session`. */
export const LIMITS = {
  title: 200,
  territory: 80,
  commune: 120,
  prompt: 500,
  territories: 12,
  rounds: 20,
  minMinutes: 1,
  maxMinutes: 240,
  minTable: 2,
  maxTable: 12,
} as const;

/** A problem of the draft: a catalogue key and its parameters (shown as a sentence). */
export interface DraftProblem { key: string; params?: Record<string, string | number>; field?: string }

/** What the server would refuse, checked before sending (the server checks again). */
export function checkDraft(d: SessionDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const title = d.title.trim();
  if (!title) problems.push({ key: 'home.check.title_empty', field: 'title' });
  else if (title.length > LIMITS.title) problems.push({ key: 'home.check.title_long', params: { max: LIMITS.title }, field: 'title' });
  if (d.territories.length < 1) problems.push({ key: 'home.check.no_territory' });
  if (d.territories.length > LIMITS.territories) problems.push({ key: 'home.check.too_many_territories', params: { max: LIMITS.territories } });
  const seen = new Set<string>();
  d.territories.forEach((territory, i) => {
    const name = territory.name.trim();
    const n = i + 1;
    if (!name) problems.push({ key: 'home.check.territory_empty', params: { n }, field: `territory-name-${i}` });
    else if (name.length > LIMITS.territory) problems.push({ key: 'home.check.territory_long', params: { n, max: LIMITS.territory }, field: `territory-name-${i}` });
    else if (seen.has(name.toLocaleLowerCase('fr'))) problems.push({ key: 'home.check.territory_twice', params: { n, name }, field: `territory-name-${i}` });
    seen.add(name.toLocaleLowerCase('fr'));
  });
  if (d.agenda.length < 1) problems.push({ key: 'home.check.no_round' });
  if (d.agenda.length > LIMITS.rounds) problems.push({ key: 'home.check.too_many_rounds', params: { max: LIMITS.rounds } });
  d.agenda.forEach((round, i) => {
    const n = i + 1;
    const prompt = round.prompt.trim();
    if (!prompt) problems.push({ key: 'home.check.prompt_empty', params: { n }, field: `round-prompt-${i}` });
    else if (prompt.length > LIMITS.prompt) problems.push({ key: 'home.check.prompt_long', params: { n, max: LIMITS.prompt }, field: `round-prompt-${i}` });
    if (!Number.isInteger(round.minutes) || round.minutes < LIMITS.minMinutes || round.minutes > LIMITS.maxMinutes) {
      problems.push({ key: 'home.check.minutes', params: { n, min: LIMITS.minMinutes, max: LIMITS.maxMinutes }, field: `round-minutes-${i}` });
    }
  });
  if (!Number.isInteger(d.tableSize) || d.tableSize < LIMITS.minTable || d.tableSize > LIMITS.maxTable) {
    problems.push({ key: 'home.check.table_size', params: { min: LIMITS.minTable, max: LIMITS.maxTable }, field: 'table-size' });
  }
  return problems;
}

/** The JSON body of POST /api/sessions: the CreateSession command's fields. */
export function createBody(d: SessionDraft) {
  return {
    title: d.title.trim(),
    territories: d.territories.map((t) => ({ name: t.name.trim(), commune: t.commune.trim(), qpv: t.qpv })),
    agenda: d.agenda.map((r) => ({ kind: r.kind, prompt: r.prompt.trim(), duration_ms: Math.round(r.minutes * 60_000) })),
    table_size: d.tableSize,
    host_policy: d.hostPolicy,
  };
}
