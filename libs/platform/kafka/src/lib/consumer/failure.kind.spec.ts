import {
  IdempotencyFingerprintMismatchError,
  IdempotencyInFlightError,
  IdempotencyKeyMissingError,
  IdempotencyStoreUnavailableError,
} from '@opal/platform-idempotency';
import {
  InvalidSchemaError,
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from '@opal/platform-schema-registry';
import { KafkaProduceError, KafkaUnavailableError, KafkaUnknownTopicError } from '../producer/event-producer.errors';
import { DependencyUnavailableError, NoHandlerError, PermanentProcessingError } from './consumer.errors';
import { failureKindOf, type FailureKind } from './failure.kind';

const redisDown: FailureKind = { kind: 'dependency', dependency: 'redis' };
const registryDown: FailureKind = { kind: 'dependency', dependency: 'schema-registry' };
const kafkaDown: FailureKind = { kind: 'dependency', dependency: 'kafka' };
const inFlight: FailureKind = { kind: 'in-flight' };
const permanent: FailureKind = { kind: 'permanent' };
const transient: FailureKind = { kind: 'transient' };

const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 20)'), {
  name: 'MaxRetriesPerRequestError',
});

// Every error class the consumer meets, with the kind the central classifier it replaced gave it.
const KINDS_BEFORE: Array<[string, unknown, FailureKind]> = [
  ['DependencyUnavailableError(redis)', new DependencyUnavailableError('redis'), redisDown],
  ['DependencyUnavailableError(schema-registry)', new DependencyUnavailableError('schema-registry'), registryDown],
  ['DependencyUnavailableError(kafka)', new DependencyUnavailableError('kafka'), kafkaDown],
  ['IdempotencyStoreUnavailableError', new IdempotencyStoreUnavailableError('claim', 'connection'), redisDown],
  ['SchemaRegistryUnavailableError', new SchemaRegistryUnavailableError('down'), registryDown],
  [
    'SchemaRegistryUnavailableError with a socket error message',
    new SchemaRegistryUnavailableError('connect ECONNREFUSED 127.0.0.1:8081'),
    registryDown,
  ],
  ['KafkaUnavailableError', new KafkaUnavailableError('down'), kafkaDown],
  [
    'an ioredis offline-queue error',
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    redisDown,
  ],
  ['an ioredis closed connection', new Error('Connection is closed.'), redisDown],
  ['MaxRetriesPerRequestError', maxRetries, redisDown],
  ['IdempotencyInFlightError', new IdempotencyInFlightError('g', 'k'), inFlight],
  ['PermanentProcessingError', new PermanentProcessingError('no'), permanent],
  ['NoHandlerError', new NoHandlerError('t'), permanent],
  ['UndecodableMessageError', new UndecodableMessageError('garbage'), permanent],
  ['UnknownSchemaError', UnknownSchemaError.forId(42), permanent],
  ['PayloadValidationError', new PayloadValidationError([{ path: 'a', message: 'expected int' }], 3), permanent],
  ['IdempotencyFingerprintMismatchError', new IdempotencyFingerprintMismatchError('g', 'k'), permanent],
  ['IdempotencyKeyMissingError', new IdempotencyKeyMissingError('g'), permanent],
  [
    'SchemaRegistryRequestError',
    new SchemaRegistryRequestError('refused', { status: 401, registryMessage: 'no' }),
    transient,
  ],
  ['InvalidSchemaError', new InvalidSchemaError('s-value', 'not JSON'), transient],
  ['SchemaIncompatibleError', new SchemaIncompatibleError('s-value', 'BACKWARD', ['a removed']), transient],
  ['KafkaProduceError', new KafkaProduceError('record too large'), transient],
  ['KafkaUnknownTopicError', new KafkaUnknownTopicError('opal.missing'), transient],
  ['a TypeError', new TypeError('bug'), transient],
  ['a string', 'a string', transient],
  ['undefined', undefined, transient],
];

describe(failureKindOf.name, () => {
  it.each(KINDS_BEFORE)('should give %s the kind it had before', (_, error, kind) => {
    expect(failureKindOf(error)).toEqual(kind);
  });

  it('should read the traits, not the class, so an error of another package copy counts', () => {
    const foreign = { code: 'IDEMPOTENCY_STORE_UNAVAILABLE', retriable: true, dependency: 'redis' };

    expect(failureKindOf(foreign)).toEqual(redisDown);
  });

  it('should put a named dependency before waiting for an owner, and waiting before retriability', () => {
    expect(failureKindOf({ code: 'X', retriable: false, dependency: 'kafka', waitsForOwner: true })).toEqual(kafkaDown);
    expect(failureKindOf({ code: 'X', retriable: false, waitsForOwner: true })).toEqual(inFlight);
  });
});
