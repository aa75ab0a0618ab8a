import { describe, expect, it } from 'vitest';
import { compareProfiles, medianGrade, rankProfiles } from '../src/majority';

describe('medianGrade', () => {
  it('takes the lower median', () => {
    expect(medianGrade([0, 0, 1, 1, 0, 0, 0])).toBe(2);
    expect(medianGrade([1, 0, 0, 0, 0, 0, 2])).toBe(6);
    expect(medianGrade([0, 0, 0, 0, 0, 0, 0])).toBe(0);
  });

  it('is the lower median of an even count, the one grade of a single ballot', () => {
    expect(medianGrade([1, 0, 0, 0, 0, 0, 0])).toBe(0);
    expect(medianGrade([0, 0, 1, 0, 0, 1, 0])).toBe(2); // two ballots: the lower one
    expect(medianGrade([0, 0, 1, 1, 0, 1, 0])).toBe(3);
    expect(medianGrade([5, 0, 0, 0, 0, 0, 4])).toBe(0);
    expect(medianGrade([4, 0, 0, 0, 0, 0, 5])).toBe(6);
  });
});

describe('rankProfiles (as session_engine/majority.py rank)', () => {
  it('ranks the Tennessee example as the engine does', () => {
    // shares worst→best: Poor, Fair, Good, Excellent (padded to 4 grades)
    const profiles = {
      Memphis: [58, 0, 0, 42],
      Nashville: [0, 32, 42, 26],
      Chattanooga: [0, 42, 43, 15],
      Knoxville: [42, 26, 15, 17],
    };
    const ranked = rankProfiles(profiles);
    expect(ranked.map((r) => r.proposal)).toEqual(['Nashville', 'Chattanooga', 'Knoxville', 'Memphis']);
    expect(ranked.map((r) => r.majorityGrade)).toEqual([2, 2, 1, 0]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it('shares a rank on exact ties and keeps input order', () => {
    const ranked = rankProfiles({ a: [0, 1, 1], b: [1, 1, 1], c: [0, 2, 2] }, ['a', 'b', 'c']);
    expect(ranked.map((r) => [r.proposal, r.rank])).toEqual([
      ['a', 1],
      ['c', 1],
      ['b', 3],
    ]);
  });

  it('prefers adhesion to contestation at the same median', () => {
    expect(compareProfiles([0, 0, 1, 2, 0, 0, 2], [1, 1, 0, 2, 0, 0, 1])).toBeGreaterThan(0);
  });

  it('lets contestation decide when the groups above and below the median are equal', () => {
    // a: 3 judgments, at grades 0, 2 and 4. The lower median is the 2nd from the worst: α = 2.
    //    Below α: q = 1 (grade 0); above: p = 1 (grade 4). p = q, so contestation decides:
    //    a is "2−", its gauge −q = −1/3 of its judgments.
    // b: 1 judgment at grade 2: α = 2, nobody above nor below, gauge 0.
    // Same α; −1/3 < 0, so b ranks first. (session_engine.majority.rank gives b, a; were
    // adhesion to decide a tie, a would be "2+" with +1/3 and rank first.)
    const ranked = rankProfiles({ a: [1, 0, 1, 0, 1], b: [0, 0, 1, 0, 0] });
    expect(ranked.map((r) => [r.proposal, r.rank, r.majorityGrade])).toEqual([
      ['b', 1, 2],
      ['a', 2, 2],
    ]);
  });

  it('compares shares, not counts, when totals differ (as the engine\'s Fraction)', () => {
    // Same median (Bien); adhesion 2/4 = 50 % beats 3/7 ≈ 43 %, though 2 < 3 ballots.
    expect(compareProfiles([0, 0, 0, 1, 1, 2, 0], [0, 0, 0, 2, 2, 3, 0])).toBeGreaterThan(0);
  });
});
