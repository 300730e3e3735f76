import { nearestRankIndex } from './diagnostics.percentiles';

describe(nearestRankIndex.name, () => {
  it('should have no index without samples', () => {
    expect(nearestRankIndex(0, 50)).toBeNull();
  });

  it('should pick the only sample for any percentile', () => {
    expect([nearestRankIndex(1, 50), nearestRankIndex(1, 95)]).toEqual([0, 0]);
  });

  it('should pick the 50th and 95th of 100 samples (indices 49 and 94)', () => {
    expect([nearestRankIndex(100, 50), nearestRankIndex(100, 95)]).toEqual([49, 94]);
  });

  it('should round the rank up, never interpolate', () => {
    // ranks ceil(0.5 * 5) = 3 and ceil(0.95 * 5) = 5
    expect([nearestRankIndex(5, 50), nearestRankIndex(5, 95)]).toEqual([2, 4]);
    // ranks ceil(0.5 * 4) = 2 and ceil(0.95 * 20) = 19
    expect([nearestRankIndex(4, 50), nearestRankIndex(20, 95)]).toEqual([1, 18]);
  });

  it('should pick the last sample for the 100th percentile', () => {
    expect(nearestRankIndex(1000, 100)).toBe(999);
  });

  it.each([
    [-1, 50],
    [1.5, 50],
    [10, 0],
    [10, 101],
    [10, Number.NaN],
  ])('should refuse count %s with percentile %s', (count, percentile) => {
    expect(() => nearestRankIndex(count, percentile)).toThrow(RangeError);
  });
});
