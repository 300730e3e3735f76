export interface BackoffOptions {
  /** Delay cap of the first retry (`RETRY_BASE_DELAY_MS`). */
  baseDelayMs: number;
  /** No delay exceeds this (`RETRY_MAX_DELAY_MS`). */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: a uniform draw in [0, min(max, base * 2^(attempt-1))].
 * Jitter spreads the retries of many consumers that failed together over time.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
