/**
 * People without a phone, folded as session_engine/evolve_tablet.py folds them: a table tablet's
 * link given or withdrawn, a stack of paper ballots counted in its vote. Someone added without a
 * device is a ParticipantJoined (with `added_by`), a position or ballot recorded for a member a
 * PositionTaken or BallotCast (with `recorded_by`): ./evolve.ts folds those.
 */
import type { Envelope, SessionView, TabletView, VoteView } from './types';

/** Apply one of the events above; false for any other type. */
export function applyTabletChange(s: SessionView, e: Envelope): boolean {
  const d = e.data ?? {};
  switch (e.type) {
    case 'TableTabletIssued':
      s.tablets[d.tablet] = { id: d.tablet, table: d.table, revoked: false };
      return true;
    case 'TableTabletRevoked': {
      const tablet = s.tablets[d.tablet];
      if (tablet) tablet.revoked = true;
      return true;
    }
    case 'PaperBallotsEntered': {
      // Public form: {vote, count}; the facilitator's carries the ballots and the note.
      const vote = s.votes[d.vote];
      const ballots: Record<string, number>[] = (d.ballots ?? []).map((b: Record<string, number>) => ({ ...b }));
      if (vote) vote.paper.push({ count: d.count ?? ballots.length, note: d.note ?? null, ballots });
      return true;
    }
    default:
      return false;
  }
}

/** The tablets in service for a table, oldest first. */
export function tabletsOf(s: SessionView, table: number): TabletView[] {
  return Object.values(s.tablets).filter((t) => t.table === table && !t.revoked);
}

/** How many paper ballots a vote counts. */
export function paperCount(vote: VoteView): number {
  return (vote.paper ?? []).reduce((n, stack) => n + stack.count, 0);
}
