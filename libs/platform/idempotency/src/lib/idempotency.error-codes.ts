/**
 * Every code an idempotency error can carry. Codes are stable strings: they travel in DLQ headers,
 * logs and problem+json bodies, so callers switch on them, not on class names.
 */
export const IDEMPOTENCY_ERROR_CODES = [
  'IDEMPOTENCY_STORE_UNAVAILABLE',
  'IDEMPOTENCY_IN_FLIGHT',
  'IDEMPOTENCY_FINGERPRINT_MISMATCH',
  'IDEMPOTENCY_KEY_MISSING',
] as const;

/** One of `IDEMPOTENCY_ERROR_CODES`. */
export type IdempotencyErrorCode = (typeof IDEMPOTENCY_ERROR_CODES)[number];
