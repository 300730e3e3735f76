import type { IdempotencyCheckResult, IdempotencyClaim } from './idempotency.types';

/**
 * Maps a claim to the caller's decision and the metric label: a different fingerprint is a
 * `mismatch` (HTTP 422) even while the first request is still running (which alone is 409).
 */
export function toCheckResult(claim: IdempotencyClaim): Exclude<IdempotencyCheckResult, 'error'> {
  switch (claim.state) {
    case 'claimed':
      return 'claimed';
    case 'in-flight':
      return claim.sameFingerprint ? 'in_flight' : 'mismatch';
    case 'done':
      return claim.sameFingerprint ? 'duplicate' : 'mismatch';
    default: {
      const unknownClaim: never = claim;
      throw new TypeError(`unknown claim state: ${JSON.stringify(unknownClaim)}`);
    }
  }
}
