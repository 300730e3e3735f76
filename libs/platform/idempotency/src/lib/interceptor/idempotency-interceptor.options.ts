import type { ExecutionContext } from '@nestjs/common';

/** Reads a value from the decoded message (RPC) or the request body (HTTP), with the context at hand. */
export type IdempotencyExtractor = (data: unknown, context: ExecutionContext) => string | undefined;

/** A fixed value, or a function of the stored result, returned instead of running the handler again. */
export type IdempotencyDuplicateResponse =
  | ((storedResult: unknown, context: ExecutionContext) => unknown)
  | Record<string, unknown>
  | string
  | number
  | boolean
  | null;

export interface IdempotencyInterceptorOptions {
  /** Records live under this scope: the consumer group for workers (`opal-diagnostics`). Required. */
  scope: string;
  /**
   * The idempotency key. Default: RPC → the payload's `event_id`, else the Kafka header
   * `event_id`; HTTP → the `header` request header.
   */
  key?: IdempotencyExtractor;
  /** HTTP header of the default `key` extractor. Default `idempotency-key`. */
  header?: string;
  /**
   * Fingerprint of the payload (e.g. `(data) => payloadFingerprint(data)`); a different one under
   * a known key fails with `IdempotencyFingerprintMismatchError`. Default: none, dedupe by key
   * only — right for Kafka, where a re-produced event may differ in envelope fields yet is the same event.
   */
  fingerprint?: IdempotencyExtractor;
  /** Returned for a duplicate without running the handler. Default `{ duplicate: true }`. */
  duplicateResponse?: IdempotencyDuplicateResponse;
  /** What to store from the handler's (last) value. Default: the value itself. */
  result?: (value: unknown) => unknown;
  /** Claim lease; default the store's. Longer than the handler's worst case. */
  leaseMs?: number;
  /** TTL of done records; default the store's. */
  ttlSeconds?: number;
  /** No key found: `reject` (`IdempotencyKeyMissingError`) or `proceed` without dedupe. Default `reject`. */
  onMissingKey?: 'reject' | 'proceed';
  /**
   * The store cannot be reached at claim time: `closed` rethrows `IdempotencyStoreUnavailableError`
   * (a consumer backs off or pauses), `open` runs the handler without dedupe. Default `closed`.
   */
  failMode?: 'closed' | 'open';
}
