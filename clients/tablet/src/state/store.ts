/**
 * The session store: a snapshot taken at a seq, every later envelope applied in seq order, listeners
 * told once per batch, and the user's own statement / ballot / objection filled in from command acks.
 */
import { applyEvent, placeOf } from './evolve';
import { emptySession, type Envelope, type ParticipantView, type SessionView, type StatementKind, type Tallies } from './types';

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
  if (s.themes) s.themes = [...s.themes];
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
  s.tallies = null;
  s.cofacilitators = Object.fromEntries(
    Object.entries(s.cofacilitators ?? {}).map(([id, c]: [string, any]) => [id, { ...c, label: c.label ?? null }]),
  );
  return s;
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

  /** Replace everything with a snapshot taken at `seq` (the tallies held stay until new ones come). */
  reset(snapshot: any, seq: number): void {
    const tallies = this.state.tallies;
    this.state = fromSnapshot(snapshot);
    this.state.tallies = tallies;
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

  /** The tallies of a `tallies` frame: the latest one wins. */
  setTallies(tallies: Tallies): void {
    this.state.tallies = tallies;
    this.changed();
  }

  /** The people at one's table, as a `table` frame names them (after a seating, a rotation,
   *  a move: a join's name reached only the table of its moment). */
  meetTable(participants: Record<string, ParticipantView>): void {
    for (const [id, person] of Object.entries(participants)) {
      this.state.participants[id] = { ...person, merged_into: person.merged_into ?? null };
    }
    this.changed();
  }

  /** The user's own statement, proposed by the event at `seq` (known from the command's ack);
   *  a forum contribution's place and theme too, and the author's territory. */
  claimStatement(seq: number, author: string, text: string, kind: StatementKind, forum?: { place?: unknown; theme?: unknown }): void {
    const st = Object.values(this.state.statements).find((x) => x.proposed_seq === seq);
    if (!st) return;
    st.author = author;
    if (st.text == null) st.text = text.trim();
    if (st.kind == null) st.kind = kind;
    if (st.place == null && forum?.place != null) st.place = placeOf(forum.place);
    if (st.theme == null && typeof forum?.theme === 'string') st.theme = forum.theme;
    if (st.territory == null && this.state.forum) st.territory = this.state.participants[author]?.territory ?? null;
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
