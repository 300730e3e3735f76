import { causeChain, type ErrorLink } from '@opal/platform-errors';
import { EventProducerError, KafkaAccessDeniedError, KafkaProduceError, KafkaUnavailableError } from './event-producer.errors';

/** kafkajs error classes that mean "the cluster is not reachable or not answering". */
const UNAVAILABLE_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/** Kafka protocol errors (kafkajs `type`) that a healthy cluster recovers from without anyone's help. */
const UNAVAILABLE_PROTOCOL_TYPES = new Set([
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'BROKER_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'NOT_CONTROLLER',
  'KAFKA_STORAGE_ERROR',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
]);

/** Socket errors, should one reach us without a kafkajs wrapper. */
const UNAVAILABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Plain `Error`s kafkajs throws for a broker it could not finish connecting to (e.g. one that never answered). */
const UNAVAILABLE_MESSAGES = new Set(['Broker not connected']);

function indicatesUnavailability(link: ErrorLink): boolean {
  return (
    (typeof link.name === 'string' && UNAVAILABLE_ERROR_NAMES.has(link.name)) ||
    (typeof link.type === 'string' && UNAVAILABLE_PROTOCOL_TYPES.has(link.type)) ||
    (typeof link.code === 'string' && UNAVAILABLE_SYSTEM_CODES.has(link.code)) ||
    (link.name === 'Error' && typeof link.message === 'string' && UNAVAILABLE_MESSAGES.has(link.message))
  );
}

/** True when `error` (or anything in its cause chain) is Kafka's "unknown topic or partition". */
export function isUnknownTopicError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (link.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

/**
 * Maps anything a kafkajs call threw onto this library's two failure kinds: `KafkaUnavailableError`
 * when any error in the cause chain means the cluster is unreachable, slow or short of replicas,
 * `KafkaProduceError` otherwise. Errors that already are `EventProducerError`s pass through.
 */
export function toEventProducerError(error: unknown): EventProducerError {
  if (error instanceof EventProducerError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  for (const link of causeChain(error)) {
    if (indicatesUnavailability(link))
      return new KafkaUnavailableError(`Kafka is unavailable: ${detail}`, { cause: error });
    if (typeof link.type === 'string' && link.type.endsWith('_AUTHORIZATION_FAILED'))
      return new KafkaAccessDeniedError(`Kafka's ACLs deny this client (${link.type}): ${detail}`, { cause: error });
  }
  return new KafkaProduceError(`Kafka refused the write: ${detail}`, { cause: error });
}
