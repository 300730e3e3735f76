/** DI token under which `IdempotencyModule` provides its options. */
export const IDEMPOTENCY_OPTIONS = 'IDEMPOTENCY:OPTIONS';

/** DI token of the interceptor defaults (`forRoot({ interceptor })`); `@Idempotent()` overrides them per handler. */
export const IDEMPOTENCY_INTERCEPTOR_OPTIONS = 'IDEMPOTENCY:INTERCEPTOR_OPTIONS';

/** DI token of the ioredis client the store talks to, and whether the module created (and so closes) it. */
export const IDEMPOTENCY_REDIS = 'IDEMPOTENCY:REDIS';

/** Metadata key `@Idempotent()` writes and `IdempotencyInterceptor` reads. */
export const IDEMPOTENT_METADATA = 'IDEMPOTENCY:HANDLER_OPTIONS';

/**
 * Records live under `opal:idempotency:<scope>:<key>` (ARCHITECTURE.md §4). The contracts own the
 * prefix: the access plan grants each service its scopes' records from the same constant.
 */
export { IDEMPOTENCY_KEY_PREFIX } from '@opal/contracts';

/** Upper bound of one store call, network included: callers fall open or closed quickly. */
export const DEFAULT_TIMEOUT_MS = 1_000;

/** TCP connect bound of a client the module creates, and how long start-up waits for it. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

/** What `IdempotencyInterceptor` returns instead of running the handler for a finished record. */
export const DEFAULT_DUPLICATE_RESPONSE = Object.freeze({ duplicate: true });

/** The HTTP header `IdempotencyInterceptor` reads the key from by default. */
export const DEFAULT_IDEMPOTENCY_HEADER = 'idempotency-key';
