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

  it('compares shares, not counts, when totals differ (as the engine\'s Fraction)', () => {
    // Same median (Bien); adhesion 2/4 = 50 % beats 3/7 ≈ 43 %, though 2 < 3 ballots.
    expect(compareProfiles([0, 0, 0, 1, 1, 2, 0], [0, 0, 0, 2, 2, 3, 0])).toBeGreaterThan(0);
  });
});
