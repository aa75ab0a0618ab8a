/**
 * The session as one audience sees it: the snapshot of `welcome.state`
 * (session_engine/visibility.py `visible_state`) with every later event applied in seq order,
 * exactly as session_engine/evolve.py does on the server.
 *
 * The public form of some events carries less than the log (visibility.py `public_envelope`):
 * a proposed statement arrives without author nor text, a ballot without voter nor grades.
 * The connection fills in what is the user's own from the acks of their commands
 * (`claimStatement`, `claimBallot`); an objection arrives without its author (`claimObjection`).
 */
import { medianGrade } from './majority';

export interface Envelope {
  seq: number;
  type: string;
  v: number;
  at: number;
  actor: string;
  cmd: string | null;
  data: any;
}

export type RoundStatus = 'pending' | 'running' | 'paused' | 'ended';
export type RoundKind = 'table' | 'plenary' | 'vote';
export type StatementStatus = 'proposed' | 'published' | 'hidden' | 'merged';
export type StatementKind = 'problem' | 'idea';
export type ParticipantRole = 'habitant' | 'elu' | 'technicien' | 'autre';
/** A position: -2..2, or null for "je passe". */
export type PositionValue = number | null;

export interface TerritoryView {
  id: string;
  name: string;
  commune: string;
  qpv: boolean;
}

export interface RoundSpecView {
  kind: RoundKind;
  prompt: string;
  duration_ms: number;
}

export interface RoundView {
  number: number;
  spec: RoundSpecView;
  status: RoundStatus;
  deadline: number | null;
  remaining_ms: number | null;
  /** table number (as a string key) -> host participant id, for this round */
  hosts: Record<string, string>;
  end_reason: string | null;
}

export interface ParticipantView {
  id: string;
  pseudonym: string;
  territory: string;
  role: ParticipantRole;
  stays_seated: boolean;
  consent: boolean;
  table: number | null;
  times_hosted: number;
}

export interface TableView {
  table: number;
  host: string | null;
  members: string[];
}

export interface StatementView {
  id: string;
  /** the author's id for the facilitator and for one's own statements, else "participant" */
  author: string;
  /** null when the room never saw it (someone else's hidden or merged statement), or while
   *  someone else's statement waits for moderation */
  text: string | null;
  kind: StatementKind | null;
  round: number;
  table: number | null;
  status: StatementStatus;
  merged_into: string | null;
  /** seq of the event that proposed it (client-side only; links an ack to its statement) */
  proposed_seq?: number;
}

export interface AnnotationView {
  id: string;
  author: string;
  text: string;
  statement: string | null;
  table: number | null;
  tags: string[];
  place: string | null;
  round: number;
}

export interface SynthesisView {
  round: number;
  table: number;
  host: string;
  text: string;
}

export interface ProposalView {
  id: string;
  statement: string;
  text: string;
}

export interface VoteView {
  id: string;
  proposals: string[];
  open: boolean;
  /** participant -> {proposal -> grade}; the public sees only its own ballot */
  ballots: Record<string, Record<string, number>>;
}

export type ConsentStatus = 'open' | 'adopted' | 'abandoned';
export type ObjectionResolution = 'amended' | 'withdrawn';

/** A consent round on an adopted proposal (state.py ConsentRound). */
export interface ConsentView {
  id: string;
  proposal: string;
  /** the closed vote that adopted the proposal */
  vote: string;
  /** the proposal's majority grade in that vote (0..6) */
  grade: number;
  /** the wording under consent: the proposal's, then the last amendment's */
  text: string;
  /** objection ids, in the order raised */
  objections: string[];
  status: ConsentStatus;
  /** why it was abandoned: "facilitator" | "session_closed" */
  end_reason: string | null;
}

/** An objection (state.py Objection). */
export interface ObjectionView {
  id: string;
  consent: string;
  /** the author's id for the facilitator and for one's own objections, else "participant" */
  author: string;
  text: string;
  resolution: ObjectionResolution | null;
  /** the amended wording that resolved it */
  wording: string | null;
  /** seq of the event that raised it (client-side only; links an ack to its objection) */
  raised_seq?: number;
}

/** A vœu: a proposal's final wording, consented to (state.py Voeu). */
export interface VoeuView {
  id: string;
  consent: string;
  proposal: string;
  text: string;
  /** the facilitator's outcome statement */
  outcome: string;
}

export interface ResultsView {
  statement: string | null;
  vote: string | null;
  /** for a vote: proposal -> count of each grade 0..6 */
  profiles: Record<string, number[]>;
}

export interface SessionView {
  created: boolean;
  closed: boolean;
  title: string;
  territories: Record<string, TerritoryView>;
  table_size: number;
  host_policy: 'stay' | 'rotate';
  rounds: RoundView[];
  current_round: number;
  participants: Record<string, ParticipantView>;
  pseudonyms: Record<string, string>;
  /** table number (string key) -> seating of the plan in force */
  tables: Record<string, TableView>;
  pair_counts: Record<string, number>;
  statements: Record<string, StatementView>;
  annotations: AnnotationView[];
  /** "participant|statement" -> value (null: passed) */
  positions: Record<string, PositionValue>;
  /** "round|table" -> synthesis */
  syntheses: Record<string, SynthesisView>;
  proposals: Record<string, ProposalView>;
  votes: Record<string, VoteView>;
  results: ResultsView | null;
  consents: Record<string, ConsentView>;
  objections: Record<string, ObjectionView>;
  voeux: Record<string, VoeuView>;
}

export function emptySession(): SessionView {
  return {
    created: false,
    closed: false,
    title: '',
    territories: {},
    table_size: 6,
    host_policy: 'rotate',
    rounds: [],
    current_round: 0,
    participants: {},
    pseudonyms: {},
    tables: {},
    pair_counts: {},
    statements: {},
    annotations: [],
    positions: {},
    syntheses: {},
    proposals: {},
    votes: {},
    results: null,
    consents: {},
    objections: {},
    voeux: {},
  };
}

/** Normalise a snapshot: object keys as strings, missing fields filled in. */
function fromSnapshot(snapshot: any): SessionView {
  const base = emptySession();
  const s: SessionView = { ...base, ...(snapshot ?? {}) };
  for (const key of Object.keys(base) as (keyof SessionView)[]) {
    if (s[key] === undefined) (s as any)[key] = base[key];
  }
  s.rounds = (s.rounds ?? []).map((r: any) => ({
    ...r,
    hosts: { ...(r.hosts ?? {}) },
    deadline: r.deadline ?? null,
    remaining_ms: r.remaining_ms ?? null,
    end_reason: r.end_reason ?? null,
  }));
  s.annotations = [...(s.annotations ?? [])];
  if (s.results === undefined) s.results = null;
  s.consents = Object.fromEntries(
    Object.entries(s.consents ?? {}).map(([id, c]: [string, any]) => [
      id,
      { ...c, objections: [...(c.objections ?? [])], end_reason: c.end_reason ?? null },
    ]),
  );
  s.objections = Object.fromEntries(
    Object.entries(s.objections ?? {}).map(([id, o]: [string, any]) => [
      id,
      { ...o, resolution: o.resolution ?? null, wording: o.wording ?? null },
    ]),
  );
  s.voeux = { ...(s.voeux ?? {}) };
  return s;
}

function seatingOf(t: any): TableView {
  return { table: t.table, host: t.host ?? null, members: [...(t.members ?? [])] };
}

export class SessionStore {
  state: SessionView = emptySession();
  /** the last seq applied; 0 before any */
  seq = 0;
  /** true once a snapshot was received (reset) */
  loaded = false;
  private listeners = new Set<() => void>();
  private batching = 0;
  private dirty = false;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Replace everything with a snapshot taken at `seq`. */
  reset(snapshot: any, seq: number): void {
    this.state = fromSnapshot(snapshot);
    this.seq = seq;
    this.loaded = true;
    this.changed();
  }

  /** Apply several envelopes, notifying listeners once. */
  applyAll(envelopes: Envelope[]): void {
    this.batching++;
    try {
      for (const e of envelopes) this.apply(e);
    } finally {
      this.batching--;
    }
    if (this.dirty) this.changed();
  }

  /** Apply one event. Events at or below the current seq are ignored (already applied). */
  apply(envelope: Envelope): void {
    if (envelope.seq <= this.seq) return;
    this.seq = envelope.seq;
    applyEvent(this.state, envelope);
    this.changed();
  }

  /** The user's own statement, proposed by the event at `seq` (known from the command's ack). */
  claimStatement(seq: number, author: string, text: string, kind: StatementKind): void {
    const st = Object.values(this.state.statements).find((x) => x.proposed_seq === seq);
    if (!st) return;
    st.author = author;
    if (st.text == null) st.text = text.trim();
    if (st.kind == null) st.kind = kind;
    this.changed();
  }

  /** The user's own ballot (the public form of BallotCast carries no grades). */
  claimBallot(vote: string, participant: string, grades: Record<string, number>): void {
    const v = this.state.votes[vote];
    if (!v) return;
    v.ballots[participant] = { ...(v.ballots[participant] ?? {}), ...grades };
    this.changed();
  }

  /** The user's own objection, raised by the event at `seq` (known from the command's ack). */
  claimObjection(seq: number, author: string): void {
    const o = Object.values(this.state.objections).find((x) => x.raised_seq === seq);
    if (!o || o.author === author) return;
    o.author = author;
    this.changed();
  }

  private changed(): void {
    if (this.batching > 0) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    for (const listener of [...this.listeners]) listener();
  }
}

/** session_engine/evolve.py, for the snapshot shape. Unknown event types are ignored. */
export function applyEvent(s: SessionView, e: Envelope): void {
  const d = e.data ?? {};
  switch (e.type) {
    case 'SessionCreated': {
      s.created = true;
      s.title = d.title;
      s.territories = {};
      for (const t of d.territories ?? []) s.territories[t.id] = { ...t };
      s.rounds = (d.agenda ?? []).map((spec: RoundSpecView, i: number) => ({
        number: i + 1,
        spec: { ...spec },
        status: 'pending' as RoundStatus,
        deadline: null,
        remaining_ms: null,
        hosts: {},
        end_reason: null,
      }));
      s.table_size = d.table_size ?? s.table_size;
      s.host_policy = d.host_policy ?? s.host_policy;
      break;
    }
    case 'ParticipantJoined':
      s.participants[d.participant] = {
        id: d.participant,
        pseudonym: d.pseudonym,
        territory: d.territory,
        role: d.role,
        stays_seated: !!d.stays_seated,
        consent: !!d.consent,
        table: null,
        times_hosted: 0,
      };
      s.pseudonyms[String(d.pseudonym).toLowerCase()] = d.participant;
      break;
    case 'TablesSeated':
    case 'TablesRotated': {
      for (const p of Object.values(s.participants)) p.table = null;
      s.tables = {};
      for (const t of d.tables ?? []) {
        const seating = seatingOf(t);
        s.tables[String(seating.table)] = seating;
        for (const m of seating.members) if (s.participants[m]) s.participants[m].table = seating.table;
        if (seating.host != null && s.participants[seating.host]) s.participants[seating.host].times_hosted += 1;
        for (let i = 0; i < seating.members.length; i++) {
          for (let j = i + 1; j < seating.members.length; j++) {
            const k = pairKey(seating.members[i], seating.members[j]);
            s.pair_counts[k] = (s.pair_counts[k] ?? 0) + 1;
          }
        }
      }
      break;
    }
    case 'ParticipantSeated': {
      const key = String(d.table);
      const table = s.tables[key] ?? { table: d.table, host: null, members: [] };
      for (const m of table.members) {
        const k = pairKey(m, d.participant);
        s.pair_counts[k] = (s.pair_counts[k] ?? 0) + 1;
      }
      s.tables[key] = {
        table: d.table,
        host: d.hosts ? d.participant : table.host,
        members: [...table.members, d.participant],
      };
      const p = s.participants[d.participant];
      if (p) p.table = d.table;
      const current = currentRound(s);
      if (d.hosts) {
        if (p) p.times_hosted += 1;
        if (current && current.status !== 'ended') current.hosts[key] = d.participant;
      }
      break;
    }
    case 'RoundStarted': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'running';
      r.deadline = d.deadline;
      r.remaining_ms = null;
      r.hosts = {};
      for (const t of Object.values(s.tables)) if (t.host != null) r.hosts[String(t.table)] = t.host;
      s.current_round = d.round;
      break;
    }
    case 'RoundPaused': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'paused';
      r.deadline = null;
      r.remaining_ms = d.remaining_ms;
      break;
    }
    case 'RoundResumed': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'running';
      r.deadline = d.deadline;
      r.remaining_ms = null;
      break;
    }
    case 'RoundExtended': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.deadline = d.deadline ?? null;
      r.remaining_ms = d.remaining_ms ?? null;
      break;
    }
    case 'RoundEnded': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'ended';
      r.deadline = null;
      r.remaining_ms = null;
      r.end_reason = d.reason ?? null;
      break;
    }
    case 'StatementProposed':
      // Public form: {statement, round}; the facilitator's: the whole event.
      s.statements[d.statement] = {
        id: d.statement,
        author: d.author ?? e.actor,
        text: d.text ?? null,
        kind: d.kind ?? null,
        round: d.round,
        table: d.table ?? null,
        status: 'proposed',
        merged_into: null,
        proposed_seq: e.seq,
      };
      break;
    case 'StatementPublished': {
      // Public form carries text, kind, round, table (the room sees it now).
      const st = s.statements[d.statement];
      if (st) {
        st.status = 'published';
        if (d.text != null) st.text = d.text;
        if (d.kind != null) st.kind = d.kind;
        if (d.table !== undefined) st.table = d.table;
        if (d.round != null) st.round = d.round;
      } else {
        s.statements[d.statement] = {
          id: d.statement,
          author: 'participant',
          text: d.text ?? null,
          kind: d.kind ?? null,
          round: d.round ?? 0,
          table: d.table ?? null,
          status: 'published',
          merged_into: null,
        };
      }
      break;
    }
    case 'StatementHidden': {
      const st = s.statements[d.statement];
      if (st) st.status = 'hidden';
      break;
    }
    case 'StatementsMerged': {
      const st = s.statements[d.statement];
      if (st) {
        st.status = 'merged';
        st.merged_into = d.into;
      }
      break;
    }
    case 'AnnotationAdded':
      s.annotations.push({
        id: d.annotation,
        author: d.author,
        text: d.text,
        statement: d.statement ?? null,
        table: d.table ?? null,
        tags: [...(d.tags ?? [])],
        place: d.place ?? null,
        round: d.round,
      });
      break;
    case 'PositionTaken':
      s.positions[`${d.participant}|${d.statement}`] = d.value ?? null;
      break;
    case 'SynthesisSubmitted':
      s.syntheses[`${d.round}|${d.table}`] = { round: d.round, table: d.table, host: d.host, text: d.text };
      break;
    case 'ProposalPromoted':
      s.proposals[d.proposal] = { id: d.proposal, statement: d.statement, text: d.text };
      break;
    case 'VoteOpened':
      s.votes[d.vote] = { id: d.vote, proposals: [...(d.proposals ?? [])], open: true, ballots: {} };
      break;
    case 'BallotCast': {
      // Public form: {vote} only. The facilitator's carries the voter and the grades.
      const v = s.votes[d.vote];
      if (v && d.participant && d.grades) v.ballots[d.participant] = { ...(v.ballots[d.participant] ?? {}), ...d.grades };
      break;
    }
    case 'VoteClosed': {
      const v = s.votes[d.vote];
      if (v) v.open = false;
      break;
    }
    case 'ConsentOpened':
      s.consents[d.consent] = {
        id: d.consent,
        proposal: d.proposal,
        vote: d.vote,
        grade: d.grade,
        text: d.text,
        objections: [],
        status: 'open',
        end_reason: null,
      };
      break;
    case 'ObjectionRaised': {
      // Public form: {objection, consent, text}; the facilitator's carries the author.
      s.objections[d.objection] = {
        id: d.objection,
        consent: d.consent,
        author: d.author ?? e.actor,
        text: d.text,
        resolution: null,
        wording: null,
        raised_seq: e.seq,
      };
      const c = s.consents[d.consent];
      if (c && !c.objections.includes(d.objection)) c.objections.push(d.objection);
      break;
    }
    case 'ObjectionResolved': {
      const o = s.objections[d.objection];
      if (o) {
        o.resolution = d.resolution;
        o.wording = d.wording ?? null;
      }
      const c = s.consents[d.consent];
      if (c && d.wording != null) c.text = d.wording;
      break;
    }
    case 'VoeuAdopted': {
      const c = s.consents[d.consent];
      if (c) c.status = 'adopted';
      s.voeux[d.voeu] = { id: d.voeu, consent: d.consent, proposal: d.proposal, text: d.text, outcome: d.outcome };
      break;
    }
    case 'ConsentAbandoned': {
      const c = s.consents[d.consent];
      if (c) {
        c.status = 'abandoned';
        c.end_reason = d.reason ?? null;
      }
      break;
    }
    case 'SessionClosed':
      s.closed = true;
      break;
    case 'ResultsShown':
      s.results = { statement: d.statement ?? null, vote: d.vote ?? null, profiles: d.profiles ?? {} };
      break;
    case 'ResultsHidden':
      s.results = null;
      break;
    default:
      break;
  }
}

/** The key of the pair {a, b} in `pair_counts`: the two ids in natural order ("p9|p10"), as
 *  session_engine/seating.py pair_key, so events applied here give the snapshot's keys. */
export function pairKey(a: string, b: string): string {
  return compareNatural(a, b) <= 0 ? `${a}|${b}` : `${b}|${a}`;
}

/** seating.py `_natural_key` order: runs of digits compare as numbers, the rest as text;
 *  on a tie the raw text decides (so "p02" and "p2" stay apart). */
export function compareNatural(a: string, b: string): number {
  const partsA = a.split(/(\d+)/);
  const partsB = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(partsA.length, partsB.length); i++) {
    const x = partsA[i]!;
    const y = partsB[i]!;
    // split() puts the digit runs at the odd positions.
    const order = i % 2 ? Number(x) - Number(y) : compareText(x, y);
    if (order !== 0) return order;
  }
  return partsA.length - partsB.length || compareText(a, b);
}

/** Code-point order, as Python compares str. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- derived views --------------------------------------------------------------------------

/** The round started last (running, paused or ended), or null before the first. */
export function currentRound(s: SessionView): RoundView | null {
  return s.current_round ? (s.rounds[s.current_round - 1] ?? null) : null;
}

/** Participants may write (statements, positions, notes) only while a round runs in an open
 *  session; the server refuses otherwise, so the tablet disables the controls first. */
export function isWritingOpen(s: SessionView): boolean {
  return currentRound(s)?.status === 'running' && !s.closed;
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

/** Distribution of the positions on every statement: statement → territory → position key →
 *  count, in one pass over the positions (the replay redraws them all at each step). */
export function positionCountsByStatement(s: SessionView): Map<string, Record<string, Record<string, number>>> {
  const out = new Map<string, Record<string, Record<string, number>>>();
  for (const [key, value] of Object.entries(s.positions)) {
    const bar = key.lastIndexOf('|');
    const statement = key.slice(bar + 1);
    const territory = s.participants[key.slice(0, bar)]?.territory ?? '?';
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

/** The numeric part of an id like "s12" or "p3". */
export function idNumber(id: string): number {
  const n = parseInt(id.replace(/^\D+/, ''), 10);
  return Number.isFinite(n) ? n : 0;
}

// --- consent rounds and vœux ------------------------------------------------------------------

/** decide.py ADOPTION_GRADE: Assez bien (grades 0 À rejeter … 6 Excellent). */
export const ADOPTION_GRADE = 3;

/** The consent round open now (one at a time), if any. */
export function openConsent(s: SessionView): ConsentView | null {
  return Object.values(s.consents).find((c) => c.status === 'open') ?? null;
}

/** The objections of a consent round, in the order they were raised. */
export function objectionsOf(s: SessionView, consent: string): ObjectionView[] {
  const c = s.consents[consent];
  const ids = c ? c.objections : Object.values(s.objections).filter((o) => o.consent === consent).map((o) => o.id);
  return ids.map((id) => s.objections[id]).filter((o): o is ObjectionView => !!o);
}

/** The objections of a round still waiting to be resolved (AdoptVoeu waits for none). */
export function pendingObjections(s: SessionView, consent: string): ObjectionView[] {
  return objectionsOf(s, consent).filter((o) => o.resolution == null);
}

/** The vœux, in the order adopted (vx1, vx2, …). */
export function voeuxInOrder(s: SessionView): VoeuView[] {
  return Object.values(s.voeux).sort((a, b) => idNumber(a.id) - idNumber(b.id));
}

/** The vœu made of this proposal, if any. */
export function voeuOf(s: SessionView, proposal: string): VoeuView | null {
  return Object.values(s.voeux).find((v) => v.proposal === proposal) ?? null;
}

/** Merit profiles (count per grade 0..6) of a vote, as majority.py tally_vote: every voter's
 *  ballot, a proposal left ungraded counting as À rejeter. The facilitator holds every ballot;
 *  the public holds only its own, so it gets the profiles on show (results) when they are this
 *  vote's. */
export function voteTally(s: SessionView, vote: VoteView): Record<string, number[]> {
  if (s.results?.vote === vote.id && Object.keys(s.results.profiles).length) {
    const shown: Record<string, number[]> = {};
    for (const proposal of vote.proposals) shown[proposal] = [...(s.results.profiles[proposal] ?? [0, 0, 0, 0, 0, 0, 0])];
    return shown;
  }
  const profiles: Record<string, number[]> = {};
  for (const proposal of vote.proposals) profiles[proposal] = [0, 0, 0, 0, 0, 0, 0];
  for (const grades of Object.values(vote.ballots)) {
    for (const proposal of vote.proposals) {
      const grade = grades[proposal];
      const g = typeof grade === 'number' && grade >= 0 && grade <= 6 ? grade : 0;
      profiles[proposal]![g] = profiles[proposal]![g]! + 1;
    }
  }
  return profiles;
}

/** The last vote this proposal was in (votes are v1, v2, … in the order opened), or null. */
export function lastVoteOf(s: SessionView, proposal: string): VoteView | null {
  const votes = Object.values(s.votes)
    .filter((v) => v.proposals.includes(proposal))
    .sort((a, b) => idNumber(a.id) - idNumber(b.id));
  return votes[votes.length - 1] ?? null;
}

/** decide.py `_adopted_by`: the vote that adopted the proposal and its majority grade there —
 *  its LAST vote, closed, with a majority grade of at least Assez bien; else null. */
export function adoptionOf(s: SessionView, proposal: string): { vote: VoteView; grade: number } | null {
  const last = lastVoteOf(s, proposal);
  if (!last || last.open) return null;
  const grade = medianGrade(voteTally(s, last)[proposal] ?? []);
  return grade >= ADOPTION_GRADE ? { vote: last, grade } : null;
}

/** Is this proposal adopted by majority judgment (may go through a consent round)? */
export function isAdopted(s: SessionView, proposal: string): boolean {
  return adoptionOf(s, proposal) !== null;
}
