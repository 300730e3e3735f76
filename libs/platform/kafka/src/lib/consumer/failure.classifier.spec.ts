import { IdempotencyInFlightError, IdempotencyStoreUnavailableError } from '@opal/platform-idempotency';
import { SchemaRegistryUnavailableError, UndecodableMessageError } from '@opal/platform-schema-registry';
import { KafkaUnavailableError } from '../producer/event-producer.errors';
import { NoHandlerError, PermanentProcessingError } from './consumer.errors';
import { classifyFailure, describeFailure } from './failure.classifier';

describe(classifyFailure.name, () => {
  it('should pause for a downstream that is down, naming it', () => {
    expect(classifyFailure(new IdempotencyStoreUnavailableError('claim', 'connection'))).toEqual({ kind: 'dependency', dependency: 'redis' });
    expect(classifyFailure(new SchemaRegistryUnavailableError('down'))).toEqual({ kind: 'dependency', dependency: 'schema-registry' });
    expect(classifyFailure(new KafkaUnavailableError('down'))).toEqual({ kind: 'dependency', dependency: 'kafka' });
    expect(classifyFailure(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toEqual({ kind: 'dependency', dependency: 'redis' });
  });

  it('should dead-letter at once what can never succeed', () => {
    for (const error of [new PermanentProcessingError('no'), new NoHandlerError('t'), new UndecodableMessageError('garbage')])
      expect(classifyFailure(error)).toEqual({ kind: 'permanent' });
  });

  it('should wait for a claim another consumer holds, and retry anything else', () => {
    expect(classifyFailure(new IdempotencyInFlightError('g', 'k'))).toEqual({ kind: 'in-flight' });
    expect(classifyFailure(new TypeError('bug'))).toEqual({ kind: 'transient' });
    expect(classifyFailure('a string')).toEqual({ kind: 'transient' });
  });
});

describe(describeFailure.name, () => {
  it('should name the class and bound the message', () => {
    const described = describeFailure(new PermanentProcessingError('x'.repeat(2000)));

    expect(described.errorClass).toBe('PermanentProcessingError');
    expect(described.message).toHaveLength(1000);
  });
});
