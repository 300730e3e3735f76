/**
 * What the webhook flow needs from the outside world, as narrow ports: the idempotency store,
 * the schema registry and the Kafka producer plug in behind them (see webhooks.module.ts), and
 * unit tests use in-memory fakes.
 */
export interface AcceptedEvent {
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
}

export type DeliveryClaim =
  | { state: 'claimed'; token: string }
  | { state: 'in-flight'; sameFingerprint: boolean }
  | { state: 'done'; sameFingerprint: boolean; result: AcceptedEvent };

/** What the rate limit and the delivery claim came to for a request about to be published. */
export type Admission = { allowed: false; retryAfterSeconds: number } | { allowed: true; claim: DeliveryClaim };

export interface DeliveryAdmission {
  /**
   * Counts the request against its source's rate and, within the limit, claims the delivery id:
   * one Redis round trip. Throws DependencyUnavailableError when Redis is unreachable in fail-closed mode.
   */
  admit(sourceId: string, deliveryId: string, fingerprint: string): Promise<Admission>;
}

/** Finishes a claim that `DeliveryAdmission` took: the result after Kafka's ack, or a release when the publish failed. */
export interface DeliveryLedger {
  complete(deliveryId: string, token: string, result: AcceptedEvent): Promise<void>;
  release(deliveryId: string, token: string): Promise<void>;
}

export interface EventEncoder {
  /** Confluent-framed Avro for `subject`. Throws a field-level validation error or "unavailable". */
  encode(subject: string, payload: Record<string, unknown>): Promise<Buffer>;
}

export interface EventPublisher {
  /** Resolves once Kafka acknowledged the record with acks=all. */
  publish(record: { topic: string; key: string; value: Buffer; headers: Record<string, string> }): Promise<{ partition: number; offset: string }>;
}

/** What the gateway does when Redis is unreachable (`IDEMPOTENCY_FAIL_MODE`): carry on without it, or refuse with 503. */
export type RedisFailMode = 'open' | 'closed';

export interface RateLimiter {
  /** Counts a request that is refused before publishing (400, registry 503). Throws DependencyUnavailableError when Redis is unreachable in fail-closed mode. */
  consume(sourceId: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/** A dependency (Kafka, the registry, Redis in fail-closed mode) cannot serve now: 503 + Retry-After. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';

  constructor(
    readonly dependency: 'kafka' | 'schema-registry' | 'redis',
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
  }
}

/** The payload does not match its Avro schema; paths are relative to the event payload. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(readonly errors: ReadonlyArray<{ path: string; message: string }>) {
    super('event does not match its schema');
  }
}

export const DELIVERY_ADMISSION = 'INGEST_GATEWAY:DELIVERY_ADMISSION';
export const DELIVERY_LEDGER = 'INGEST_GATEWAY:DELIVERY_LEDGER';
export const EVENT_ENCODER = 'INGEST_GATEWAY:EVENT_ENCODER';
export const EVENT_PUBLISHER = 'INGEST_GATEWAY:EVENT_PUBLISHER';
export const RATE_LIMITER = 'INGEST_GATEWAY:RATE_LIMITER';
