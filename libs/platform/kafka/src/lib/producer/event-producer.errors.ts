import type { OpalErrorTraits } from '@opal/platform-errors';
import type { KafkaErrorCode } from '../kafka.error-codes';

/** Base of the errors `EventProducer` rejects with; `code` is the stable, cross-process identity. */
export abstract class EventProducerError extends Error implements OpalErrorTraits {
  abstract readonly code: KafkaErrorCode;
  /** Whether the same write can succeed later. */
  abstract readonly retriable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Kafka could not be reached or could not take the write in time (connection refused, broker
 * unavailable, request timeout, not enough in-sync replicas, producer shut down). Retrying later
 * may succeed: HTTP callers answer 503 with `Retry-After`. The record may or may not have been
 * written when the deadline passed mid-request, so retries must be idempotent (same `event_id`).
 */
export class KafkaUnavailableError extends EventProducerError {
  readonly code = 'KAFKA_UNAVAILABLE';
  readonly retriable = true;
  readonly dependency = 'kafka';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Kafka refused the write for a reason retrying will not fix (unknown topic, record too large, authorization). */
export class KafkaProduceError extends EventProducerError {
  readonly code: KafkaErrorCode = 'KAFKA_PRODUCE_FAILED';
  // A consumer retries it before the DLQ: a missing topic or ACL is fixed by an operator, not by the record.
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The record's topic does not exist (topics are never auto-created). Only that record fails. */
export class KafkaUnknownTopicError extends KafkaProduceError {
  constructor(readonly topic: string) {
    super(`Topic "${topic}" does not exist`);
  }
}

/**
 * Kafka's ACLs do not let this client's principal write (or describe) the topic: a deployment
 * mistake that only an operator fixes (`kafka-init access`), so only that record fails, at once.
 */
export class KafkaAccessDeniedError extends KafkaProduceError {
  override readonly code = 'KAFKA_ACCESS_DENIED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
