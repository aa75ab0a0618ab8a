/**
 * The shape of the session as a client sees it (session_engine/state.py, as visibility.py
 * `visible_state` serialises it): the envelope of an event, every view type, and the empty session.
 */

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
export type StatementStatus = 'proposed' | 'published' | 'hidden' | 'merged' | 'erased';
/** Whether someone is still in the session (state.py ParticipantStatus): whoever left keeps
 *  their record, under a neutral name, and may send nothing more. */
export type ParticipantStatus = 'present' | 'removed' | 'erased' | 'merged';
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
  status: ParticipantStatus;
  /** for a second entry merged into another: the participant it is now part of */
  merged_into: string | null;
  /** who added them without a device (the facilitator, a host, a table tablet); null: their own */
  added_by: string | null;
}

export interface TableView {
  table: number;
  host: string | null;
  members: string[];
}

/** Where an imported statement comes from (session_engine/model.py, Provenance). */
export interface ProvenanceView {
  /** the programme's key of the statement, the same in every session that imports it */
  key: string;
  /** the step it comes from, in words: « le Forum numérique » */
  source: string;
  territories: string[];
  /** its id in the source session, if any */
  statement: string | null;
  /** how the online phase rated it: people at −2, −1, 0, +1, +2, then passes; absent when
   *  unknown or under k raters */
  ratings?: number[];
}

/** Where a forum contribution is (session_engine/model.py, Place): an address typed and/or a
 *  point chosen on the map (lat and lon both, or neither). */
export interface PlaceView {
  address: string | null;
  lat: number | null;
  lon: number | null;
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
  /** an imported statement's origin (StatementImported); absent on any other */
  provenance?: ProvenanceView;
  /** seq of the event that proposed it (client-side only; links an ack to its statement) */
  proposed_seq?: number;
  /** a forum contribution's place, theme (one of the session's themes) and its author's
   *  territory id; absent or null elsewhere */
  place?: PlaceView | null;
  theme?: string | null;
  territory?: string | null;
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
  /** stacks of paper ballots entered by the facilitator; the public sees only their count */
  paper: PaperStackView[];
}

/** A counted stack of paper ballots (state.py PaperStack): nobody's, counted like cast ones. */
export interface PaperStackView {
  count: number;
  /** where they come from; null for everyone but the facilitator's audience */
  note: string | null;
  /** proposal -> grade, one map a ballot; empty for everyone but the facilitator's audience */
  ballots: Record<string, number>[];
}

/** A table's shared tablet link (state.py TableTablet). */
export interface TabletView {
  id: string;
  table: number;
  revoked: boolean;
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

/** A co-facilitator link (state.py CoFacilitator): its holder steers as the facilitator does. */
export interface CoFacilitatorView {
  id: string;
  /** whom it was given to; null for everyone but the facilitator's audience */
  label: string | null;
  revoked: boolean;
}

export interface ResultsView {
  statement: string | null;
  vote: string | null;
  /** for a vote: proposal -> count of each grade 0..6 */
  profiles: Record<string, number[]>;
}

/* --- tallies (the `tallies` frame: docs/protocol.md, *Tallies*; computed in state/tallies.ts) --- */

/** One group's positions on one statement; a hidden group carries no figure (all null). */
export interface TallyGroup {
  group: string;
  hidden: boolean;
  voters: number | null;
  /** people at −2, −1, 0, +1, +2 */
  counts: number[] | null;
  passes: number | null;
}

export interface StatementTally {
  statement: string;
  overall: TallyGroup;
  territories: TallyGroup[];
  roles: TallyGroup[];
}

export interface VoteTally {
  vote: string;
  open: boolean;
  ballots: number;
  waiting: number;
  /** once closed: proposal → count of each grade 0..6 */
  profiles: Record<string, number[]> | null;
}

export interface Tallies {
  k_anonymity: number;
  joined: { total: number; territories: Record<string, number>; roles: Record<string, number> };
  statements: StatementTally[];
  votes: VoteTally[];
  /** the last event the tallies reflect (the frame's seq; absent when computed here) */
  seq?: number;
}

export interface SessionView {
  created: boolean;
  closed: boolean;
  title: string;
  /** the online phase (« Forum numérique »): no tables, no rounds; contributions at any time.
   *  Absent, as in the engine's snapshot, for a session of the evening. */
  forum?: boolean;
  /** the forum's themes, in the facilitator's order (absent or empty: no theme to choose) */
  themes?: string[];
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
  cofacilitators: Record<string, CoFacilitatorView>;
  /** what everyone sees of positions, ballots and joins (the `tallies` frame; computed from the
   *  whole log in the replay viewer): client-side only, not in the engine's state */
  tallies: Tallies | null;
  tablets: Record<string, TabletView>;
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
    cofacilitators: {},
    tallies: null,
    tablets: {},
  };
}
