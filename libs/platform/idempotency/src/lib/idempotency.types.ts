/**
 * The answer of `claim`. Fold-in of the mismatch case: a different fingerprint shows as
 * `sameFingerprint: false` on `in-flight` or `done`, so "different body" wins over "still running".
 */
export type IdempotencyClaim<TResult = unknown> =
  /** Nobody had the key (or the previous lease expired): run the work, then `complete` or `release` with `token`. */
  | { state: 'claimed'; token: string }
  /** Someone holds an unexpired lease. */
  | { state: 'in-flight'; sameFingerprint: boolean }
  /** Finished before; `result` is what `complete` stored. */
  | { state: 'done'; sameFingerprint: boolean; result: TResult };

/**
 * A fixed-window counter a claim can be gated on (e.g. a per-source rate limit): `key` is the
 * window's full Redis key (the caller names the window), `ttlMs` how long the counter lives after
 * its first hit.
 */
export interface FixedWindowQuota {
  key: string;
  limit: number;
  ttlMs: number;
}

/** The answer of `claimWithinQuota`: over the quota nothing was claimed; `count` is the window's count with this hit. */
export type QuotaGatedClaim<TResult = unknown> = IdempotencyClaim<TResult> | { state: 'over-quota'; count: number };

/** What a check came to, as counted by `opal_idempotency_checks_total{scope,result}`. */
export type IdempotencyCheckResult = 'claimed' | 'duplicate' | 'in_flight' | 'mismatch' | 'error';

export interface IdempotencyClaimOptions {
  /** Identifies the payload (e.g. a SHA-256 of the body); compared on later claims. Default `''` (key-only dedupe). */
  fingerprint?: string;
  /** How long the claim protects the work before another caller may take it over. Default: the store's `leaseMs`. */
  leaseMs?: number;
}

/** Called once per `claim` with its outcome; an exception in it is swallowed. */
export type IdempotencyCheckHook = (scope: string, result: IdempotencyCheckResult) => void;

export interface IdempotencyStoreOptions {
  /** TTL of finished records (`IDEMPOTENCY_TTL_SECONDS`: the app's env schema owns the default). */
  ttlSeconds: number;
  /** Claim lease when a claim names none (`IDEMPOTENCY_LEASE_MS`: the app's env schema owns the default). */
  leaseMs: number;
  /**
   * Upper bound of one call, network included, after which it rejects with
   * `IdempotencyStoreUnavailableError` (reason `timeout`) whatever the client's own settings. Default 1000.
   */
  timeoutMs?: number;
  /** Reports each claim's outcome, e.g. to increment `opal_idempotency_checks_total`. */
  onCheck?: IdempotencyCheckHook;
}

/** The store's contract: `IdempotencyStore` implements it over Redis, `InMemoryIdempotencyStore` (testing entry) in memory. */
export interface IdempotencyStorePort {
  /** Atomically takes `key` in `scope`, or reports who has it. */
  claim<TResult = unknown>(
    scope: string,
    key: string,
    options?: IdempotencyClaimOptions,
  ): Promise<IdempotencyClaim<TResult>>;
  /** Stores `result` (JSON) and marks the record done for `ttlSeconds`; false when `token` no longer owns the claim. */
  complete(scope: string, key: string, token: string, result: unknown, ttlSeconds?: number): Promise<boolean>;
  /** Drops the claim so a retry can run; false when `token` no longer owns it. */
  release(scope: string, key: string, token: string): Promise<boolean>;
}
