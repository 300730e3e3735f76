/**
 * The 0-based index of the `percentile`th value in `count` ascending samples, by the nearest-rank
 * method (always an observed value, never an interpolation); null without samples.
 */
export function nearestRankIndex(count: number, percentile: number): number | null {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`count must be an integer >= 0, got ${String(count)}`);
  if (!(percentile > 0 && percentile <= 100))
    throw new RangeError(`percentile must be in (0, 100], got ${String(percentile)}`);
  if (count === 0) return null;
  return Math.min(count, Math.max(1, Math.ceil((percentile * count) / 100))) - 1;
}
