/** Every default of the client SDK; what a service configures comes in through options or env. */

/** kafkajs client id of the producer (and the registry client's), so brokers' logs name the SDK. */
export const DEFAULT_CLIENT_ID = 'opal-events-client';

/** The gateway's webhook endpoint, below `INGEST_GATEWAY_URL`. */
export const WEBHOOK_PATH = '/v1/webhooks/opal';

/** Attempts of one webhook delivery, the first included, before `WebhookDeliveryError`. */
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;
/** Exponential backoff with full jitter between attempts, from this … */
export const DEFAULT_WEBHOOK_BASE_DELAY_MS = 200;
/** … up to this. */
export const DEFAULT_WEBHOOK_MAX_DELAY_MS = 10_000;
/** A `Retry-After` longer than this is not waited out: the send fails with `WebhookRetryLaterError`. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;
/** Deadline of one HTTP attempt; a slower answer counts as a connection failure (retried). */
export const DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;

/** How long `healthCheck` waits for Kafka and the registry before it reports them down. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 5_000;
