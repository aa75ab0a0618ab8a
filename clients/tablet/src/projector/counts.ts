/**
 * What the projector counts, and the only place its counts come from: who has joined, overall and
 * per territory (`joinedByTerritory`), how many ballots a vote has received (`ballotsReceived`);
 * and which published statements its wall shows (`wallStatements`). Pure functions, tested by
 * vitest (test/projector-counts.test.ts).
 *
 * Today both counts are computed from the public events the projector receives: each
 * `ParticipantJoined` (kept in the view's participants), and each `BallotCast`, whose public form
 * is `{vote}` only — the view keeps nothing of it, so the projector hears those envelopes as the
 * store applies them (`hearBallots`) and keeps the count beside the view (`HeardView`). A
 * projector opened (or reloaded) while a vote is open starts from a snapshot, which carries no
 * ballot: it does not know that vote's count and shows none rather than a wrong one. The
 * coalesced tallies frame will replace both sources; only the bodies of these two selectors
 * should have to change.
 */
import { idNumber, type Envelope, type SessionStore, type SessionView, type StatementView } from '../state';

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
 *  territory nobody came from yet says 0). */
export function joinedByTerritory(view: SessionView): Joined {
  const counts = new Map<string, number>();
  let total = 0;
  for (const p of Object.values(view.participants)) {
    if (p.status !== 'present') continue;
    total++;
    counts.set(p.territory, (counts.get(p.territory) ?? 0) + 1);
  }
  const territories = Object.values(view.territories)
    .sort((a, b) => idNumber(a.id) - idNumber(b.id))
    .map((t) => ({ territory: t.id, name: t.name, count: counts.get(t.id) ?? 0 }));
  return { total, territories };
}

/** What the projector heard that its view does not keep: ballots cast, per vote it saw open. */
export interface Heard {
  ballots: Record<string, number>;
}

/** The view with what the projector heard beside it. */
export type HeardView = SessionView & { heard?: Heard };

/** How many ballots this vote has received (a count, never whose); null when this screen cannot
 *  know (the vote opened before it came). A tablet sends a whole ballot in one CastBallot, so one
 *  BallotCast is one ballot. */
export function ballotsReceived(view: HeardView, vote: string): number | null {
  return view.heard?.ballots[vote] ?? null;
}

/** Count an envelope the projector receives into what it heard. */
export function hear(heard: Heard, envelope: Envelope): void {
  const vote: unknown = envelope.data?.vote;
  if (typeof vote !== 'string') return;
  if (envelope.type === 'VoteOpened') heard.ballots[vote] = 0;
  else if (envelope.type === 'BallotCast' && vote in heard.ballots) heard.ballots[vote] += 1;
}

/** Hear every envelope the store applies (once each: the store ignores what it already holds,
 *  so does this), before the store tells its listeners. Returns a function that stops. */
export function hearBallots(store: SessionStore, heard: Heard): () => void {
  const apply = store.apply;
  store.apply = function (this: SessionStore, envelope: Envelope) {
    if (envelope.seq > store.seq) hear(heard, envelope);
    apply.call(store, envelope);
  };
  return () => {
    store.apply = apply;
  };
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
