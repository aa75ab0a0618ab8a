/**
 * The changes made on the night, folded as session_engine/evolve.py folds them: a host handed over,
 * a participant moved, removed (with or without erasure) or merged into another entry, rounds of the
 * agenda added, edited or removed, territories added or renamed, the table size changed.
 *
 * Seating follows the engine's rule: the plan in force names each table's host, and while a round is
 * open (running or paused) that round's hosts follow; an ended round keeps its own. Whoever left keeps
 * their record under a neutral name (« Participant·e 12 »).
 */
import type { Envelope, ParticipantView, RoundStatus, SessionView } from './types';
import { compareNatural, pairKey } from './ids';
import { currentRound } from './derived';

/** Everyone still in the session (neither removed nor merged), in the order they joined. */
export function presentParticipants(s: SessionView): ParticipantView[] {
  return Object.values(s.participants)
    .filter((p) => p.status !== 'removed' && p.status !== 'erased' && p.status !== 'merged')
    .sort((a, b) => compareNatural(a.id, b.id));
}

/** The name a participant who left goes by (model.py `anonymous_pseudonym`). */
export function anonymousPseudonym(participant: string): string {
  return `Participant·e ${participant.replace(/^p/, '')}`;
}

/** Apply one of the events above; false for any other type (left to the caller). */
export function applyLiveChange(s: SessionView, e: Envelope): boolean {
  const d = e.data ?? {};
  switch (e.type) {
    case 'HostHandedOver': {
      const table = s.tables[String(d.table)];
      if (table) table.host = d.host;
      hostingChanged(s, d.table, d.host);
      return true;
    }
    case 'ParticipantMoved':
      participantMoved(s, d);
      return true;
    case 'ParticipantRemoved': {
      const person = s.participants[d.participant];
      leaveTable(s, d.participant, d.table ?? null, d.host ?? null);
      if (person) {
        person.status = d.erased ? 'erased' : 'removed';
        anonymise(s, person);
      }
      if (d.erased) erase(s, d.participant, d.statements ?? [], d.annotations ?? []);
      return true;
    }
    case 'ParticipantsMerged':
      participantsMerged(s, d);
      return true;
    case 'RoundAdded':
      s.rounds.splice(d.round - 1, 0, {
        number: d.round,
        spec: { ...d.spec },
        status: 'pending' as RoundStatus,
        deadline: null,
        remaining_ms: null,
        hosts: {},
        end_reason: null,
      });
      renumber(s);
      return true;
    case 'RoundEdited': {
      const round = s.rounds[d.round - 1];
      if (round) round.spec = { ...d.spec };
      return true;
    }
    case 'RoundRemoved':
      s.rounds.splice(d.round - 1, 1);
      renumber(s);
      return true;
    case 'TerritoryAdded':
      s.territories[d.territory.id] = { ...d.territory };
      return true;
    case 'TerritoryRenamed': {
      const territory = s.territories[d.territory];
      if (territory) {
        territory.name = d.name;
        territory.commune = d.commune;
      }
      return true;
    }
    case 'TableSizeChanged':
      s.table_size = d.table_size;
      return true;
    default:
      return false;
  }
}

/** `host` now hosts `table` in the plan (null: nobody left there); an open round follows. */
function hostingChanged(s: SessionView, table: number, host: string | null): void {
  if (host != null && s.participants[host]) s.participants[host].times_hosted += 1;
  const round = currentRound(s);
  if (!round || (round.status !== 'running' && round.status !== 'paused')) return;
  if (host == null) delete round.hosts[String(table)];
  else round.hosts[String(table)] = host;
}

function leaveTable(s: SessionView, participant: string, number: number | null, host: string | null): void {
  const person = s.participants[participant];
  if (person) person.table = null;
  if (number == null) return;
  const table = s.tables[String(number)];
  if (!table) return;
  const before = table.host;
  table.members = table.members.filter((m) => m !== participant);
  table.host = host;
  if (host !== before) hostingChanged(s, number, host);
}

function participantMoved(s: SessionView, d: any): void {
  leaveTable(s, d.participant, d.from_table, d.from_host ?? null);
  const key = String(d.table);
  const table = s.tables[key] ?? { table: d.table, host: null, members: [] };
  for (const member of table.members) {
    const pair = pairKey(member, d.participant);
    s.pair_counts[pair] = (s.pair_counts[pair] ?? 0) + 1;
  }
  s.tables[key] = {
    table: d.table,
    host: d.hosts ? d.participant : table.host,
    members: [...table.members, d.participant].sort(compareNatural),
  };
  const person = s.participants[d.participant];
  if (person) person.table = d.table;
  if (d.hosts) hostingChanged(s, d.table, d.participant);
}

function anonymise(s: SessionView, person: ParticipantView): void {
  const key = person.pseudonym.toLowerCase();
  if (s.pseudonyms[key] === person.id) delete s.pseudonyms[key];
  person.pseudonym = anonymousPseudonym(person.id);
  person.consent = false;
}

/** What an erasure covers counts nowhere: statements and notes keep their ids without text, the
 *  person's positions and the positions on those statements go. */
function erase(s: SessionView, participant: string, statements: string[], annotations: string[]): void {
  const erased = new Set(statements);
  for (const id of erased) {
    const statement = s.statements[id];
    if (statement) {
      statement.status = 'erased';
      statement.text = '';
    }
  }
  const notes = new Set(annotations);
  s.annotations = s.annotations.map((a) => (notes.has(a.id) ? { ...a, text: '', tags: [], place: null } : a));
  for (const key of Object.keys(s.positions)) {
    const bar = key.lastIndexOf('|');
    if (key.slice(0, bar) === participant || erased.has(key.slice(bar + 1))) delete s.positions[key];
  }
}

function participantsMerged(s: SessionView, d: any): void {
  const second: string = d.participant;
  const kept: string = d.into;
  leaveTable(s, second, d.table ?? null, d.host ?? null);
  // The public form carries no list: the room learns who went into whom, not their positions.
  for (const statement of d.positions ?? []) {
    const from = `${second}|${statement}`;
    if (from in s.positions) s.positions[`${kept}|${statement}`] = s.positions[from]!;
  }
  for (const key of Object.keys(s.positions)) if (key.slice(0, key.lastIndexOf('|')) === second) delete s.positions[key];
  for (const [vote, proposal] of d.grades ?? []) {
    const ballots = s.votes[vote]?.ballots;
    const grade = ballots?.[second]?.[proposal];
    if (ballots && grade !== undefined) ballots[kept] = { ...(ballots[kept] ?? {}), [proposal]: grade };
  }
  for (const vote of Object.values(s.votes)) delete vote.ballots[second];
  for (const statement of Object.values(s.statements)) if (statement.author === second) statement.author = kept;
  s.annotations = s.annotations.map((a) => (a.author === second ? { ...a, author: kept } : a));
  for (const objection of Object.values(s.objections)) if (objection.author === second) objection.author = kept;
  const secondPerson = s.participants[second];
  const keptPerson = s.participants[kept];
  if (keptPerson && secondPerson) keptPerson.times_hosted += secondPerson.times_hosted;
  for (const [pair, count] of Object.entries(s.pair_counts)) {
    const [a, b] = pair.split('|') as [string, string];
    if (a !== second && b !== second) continue;
    const other = a === second ? b : a;
    if (other === kept) continue;
    const key = pairKey(kept, other);
    s.pair_counts[key] = (s.pair_counts[key] ?? 0) + count;
  }
  if (secondPerson) {
    secondPerson.status = 'merged';
    secondPerson.merged_into = kept;
    anonymise(s, secondPerson);
  }
}

function renumber(s: SessionView): void {
  s.rounds.forEach((round, i) => {
    round.number = i + 1;
  });
}
