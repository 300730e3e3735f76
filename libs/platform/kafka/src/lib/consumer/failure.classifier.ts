import {
  IdempotencyFingerprintMismatchError,
  IdempotencyInFlightError,
  IdempotencyKeyMissingError,
  IdempotencyStoreUnavailableError,
} from '@opal/platform-idempotency';
import {
  PayloadValidationError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from '@opal/platform-schema-registry';
import { KafkaUnavailableError } from '../producer/event-producer.errors';
import { DependencyUnavailableError, NoHandlerError, PermanentProcessingError } from './consumer.errors';

/** The downstreams the consumer guards with a circuit breaker. */
export type Dependency = 'redis' | 'schema-registry' | 'kafka';

/**
 * What to do about a failed record:
 * - `dependency`: a downstream is down; pause and try the same record again later (no DLQ, no commit);
 * - `in-flight`: another consumer holds the record's claim; wait for it without spending attempts;
 * - `permanent`: retrying cannot help; dead-letter at once;
 * - `transient`: retry with backoff, dead-letter after the last attempt.
 */
export type FailureKind =
  | { kind: 'dependency'; dependency: Dependency }
  | { kind: 'in-flight' }
  | { kind: 'permanent' }
  | { kind: 'transient' };

// ioredis's own connection failures, for handlers that talk to Redis directly.
const REDIS_CONNECTION_FAILURE =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue options is false|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Command timed out|Reached the max retries per request limit/;

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof DependencyUnavailableError) return { kind: 'dependency', dependency: error.dependency as Dependency };
  if (error instanceof IdempotencyStoreUnavailableError) return { kind: 'dependency', dependency: 'redis' };
  if (error instanceof SchemaRegistryUnavailableError) return { kind: 'dependency', dependency: 'schema-registry' };
  if (error instanceof KafkaUnavailableError) return { kind: 'dependency', dependency: 'kafka' };
  if (isRedisConnectionFailure(error)) return { kind: 'dependency', dependency: 'redis' };
  if (error instanceof IdempotencyInFlightError) return { kind: 'in-flight' };
  if (
    error instanceof PermanentProcessingError ||
    error instanceof NoHandlerError ||
    error instanceof UndecodableMessageError ||
    error instanceof UnknownSchemaError ||
    error instanceof PayloadValidationError ||
    error instanceof IdempotencyFingerprintMismatchError ||
    error instanceof IdempotencyKeyMissingError
  )
    return { kind: 'permanent' };
  return { kind: 'transient' };
}

function isRedisConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return REDIS_CONNECTION_FAILURE.test(error.message) && !(error instanceof SchemaRegistryUnavailableError);
}

/** The class name and message recorded in `x-dlq-error-*` (the message bounded: headers are not logs). */
export function describeFailure(error: unknown): { errorClass: string; message: string } {
  const errorClass = error instanceof Error ? error.constructor.name || error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return { errorClass, message: message.length > 1000 ? `${message.slice(0, 997)}...` : message };
}
