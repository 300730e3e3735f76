/**
 * The codes `failureTraitsOf` gives errors that declare no traits of their own. Codes are stable
 * strings: they travel in logs and DLQ headers, so callers switch on them, not on class names.
 */
export const FAILURE_ERROR_CODES = ['UNCLASSIFIED', 'REDIS_CONNECTION_FAILED'] as const;

/** One of `FAILURE_ERROR_CODES`. */
export type FailureErrorCode = (typeof FAILURE_ERROR_CODES)[number];
