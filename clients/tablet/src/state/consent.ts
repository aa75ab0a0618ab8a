/** Votes' outcome and what follows it: merit profiles, the proposal a vote adopted (decide_votes.py
 *  `_adopted_by`), the open consent round, its objections, and the vœux. */
import { medianGrade } from '../majority';
import type { ConsentView, ObjectionView, SessionView, VoeuView, VoteView } from './types';
import { idNumber } from './ids';
import { voteTallyOf } from './tallies';

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
 *  ballot, a proposal left ungraded counting as À rejeter. Live, nobody holds others' ballots:
 *  a closed vote's profiles come in the tallies (or with the results on show); the replay
 *  viewer, which reads the whole log, counts the ballots. */
export function voteTally(s: SessionView, vote: VoteView): Record<string, number[]> {
  const tallied = voteTallyOf(s.tallies, vote.id)?.profiles;
  if (tallied) {
    const shown: Record<string, number[]> = {};
    for (const proposal of vote.proposals) shown[proposal] = [...(tallied[proposal] ?? [0, 0, 0, 0, 0, 0, 0])];
    return shown;
  }
  if (s.results?.vote === vote.id && Object.keys(s.results.profiles).length) {
    const shown: Record<string, number[]> = {};
    for (const proposal of vote.proposals) shown[proposal] = [...(s.results.profiles[proposal] ?? [0, 0, 0, 0, 0, 0, 0])];
    return shown;
  }
  const profiles: Record<string, number[]> = {};
  for (const proposal of vote.proposals) profiles[proposal] = [0, 0, 0, 0, 0, 0, 0];
  const paper = (vote.paper ?? []).flatMap((stack) => stack.ballots); // the facilitator's only
  for (const grades of [...Object.values(vote.ballots), ...paper]) {
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

/** decide_votes.py `_adopted_by`: the vote that adopted the proposal and its majority grade there —
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
