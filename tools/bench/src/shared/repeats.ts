import { positiveIntFromEnv } from './bench-report';

/** `BENCH_REPEATS` (default 3): how many times each measurement runs; the median is the figure. */
export const benchRepeats = () => positiveIntFromEnv('BENCH_REPEATS', 3);

/**
 * The run with the median `figure` (the lower middle one for an even count): on a shared, noisy
 * machine one run says little, and the median of several resists a single disturbed run.
 */
export function medianBy<T>(runs: readonly T[], figure: (run: T) => number): T {
  if (runs.length === 0) throw new RangeError('no runs to take the median of');
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}
