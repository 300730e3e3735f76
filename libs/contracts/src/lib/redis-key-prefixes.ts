/**
 * The Redis key namespaces of the backbone, one owner each: the code that writes keys and the
 * access plan that grants them (`access-plan.ts`) both read them from here, so a renamed prefix
 * cannot leave a service's Redis ACL behind.
 */

/** Idempotency records live under `opal:idempotency:<scope>:<key>` (ARCHITECTURE.md §4). */
export const IDEMPOTENCY_KEY_PREFIX = 'opal:idempotency';

/** The idempotency scope of the gateway's webhook deliveries (`webhook-id`). */
export const WEBHOOK_IDEMPOTENCY_SCOPE = 'webhook';

/** Every key of the diagnostics worker's state starts with this. */
export const DIAGNOSTICS_KEY_PREFIX = 'opal:diagnostics:';

/** Every key of the recommendations worker's state starts with this. */
export const RECOMMENDATIONS_KEY_PREFIX = 'opal:recommendations:';

/** The gateway's per-source rate-limit windows: `opal:ratelimit:webhook:<source>:<second>`. */
export const WEBHOOK_RATE_LIMIT_KEY_PREFIX = 'opal:ratelimit:webhook:';

/** The prefix of every idempotency record of one scope: `opal:idempotency:<scope>:`. */
export const idempotencyScopePrefix = (scope: string): string => `${IDEMPOTENCY_KEY_PREFIX}:${scope}:`;
