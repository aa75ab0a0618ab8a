/** The position scale's order and pictograms, and the facilitator's preview of a vote's profiles. */
import type { VoteV } from './lib';

/** Position buckets as positionTotals() names them, from "against" to "for", then "pass". */
export const VALUE_ORDER = ['-2', '-1', '0', '1', '2', 'pass'] as const;

/** A text pictogram beside each position's words (never the only cue). */
export const VALUE_ICONS: Record<string, string> = { '-2': '✖✖', '-1': '✖', '0': '=', '1': '✔', '2': '✔✔', pass: '…' };

/** Merit profiles (count per grade 0..6) of a vote from the ballots the facilitator can see.
 *  A ballot that left a proposal ungraded counts it as À rejeter, as the engine's tally does. */
export function voteProfiles(vote: VoteV): Record<string, number[]> {
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
