import type { OpalErrorTraits } from '@opal/platform-errors';
import type { IdempotencyErrorCode } from './idempotency.error-codes';

/** Base of every error this library throws; `code` is the stable, cross-process identity. */
export abstract class IdempotencyError extends Error implements OpalErrorTraits {
  abstract readonly code: IdempotencyErrorCode;
  /** Whether the same call can succeed later (back off and retry) or never will (dead-letter / 4xx). */
  abstract readonly retriable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The store operation that failed. */
export type IdempotencyOperation = 'claim' | 'complete' | 'release' | 'count';

/** Why Redis could not answer: no connection, no answer in time, or an error reply (OOM, READONLY, LOADING…). */
export type IdempotencyUnavailableReason = 'connection' | 'timeout' | 'reply';

/**
 * Redis could not be reached, did not answer within the store's timeout or refused the command.
 * Nothing is known about the record: the caller decides to fail open (run without dedupe) or
 * closed (503 / pause the consumer).
 */
export class IdempotencyStoreUnavailableError extends IdempotencyError {
  readonly code = 'IDEMPOTENCY_STORE_UNAVAILABLE';
  readonly retriable = true;
  readonly dependency = 'redis';

  constructor(
    readonly operation: IdempotencyOperation,
    readonly reason: IdempotencyUnavailableReason,
    options?: { cause?: unknown },
  ) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Idempotency store unavailable (${operation}, ${reason})${detail}`, options);
  }
}

/**
 * Another worker holds an unexpired claim on this key. Retriable: once it completes the retry is
 * a duplicate, once its lease expires the retry claims. `statusCode` is the HTTP answer (409).
 */
export class IdempotencyInFlightError extends IdempotencyError {
  readonly code = 'IDEMPOTENCY_IN_FLIGHT';
  readonly retriable = true;
  readonly waitsForOwner = true;
  readonly statusCode = 409;

  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`"${key}" is already being processed in scope "${scope}"`);
  }
}

/** The key was used before with a different fingerprint (another body). Not retriable; HTTP 422. */
export class IdempotencyFingerprintMismatchError extends IdempotencyError {
  readonly code = 'IDEMPOTENCY_FINGERPRINT_MISMATCH';
  readonly retriable = false;
  readonly statusCode = 422;

  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`"${key}" was already used in scope "${scope}" with a different payload`);
  }
}

/** The interceptor found no idempotency key in the message or request. Not retriable; HTTP 400. */
export class IdempotencyKeyMissingError extends IdempotencyError {
  readonly code = 'IDEMPOTENCY_KEY_MISSING';
  readonly retriable = false;
  readonly statusCode = 400;

  constructor(readonly scope: string) {
    super(`No idempotency key found for scope "${scope}"`);
  }
}
