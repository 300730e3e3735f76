import type { OpalErrorTraits } from './error.traits';
import { FAILURE_ERROR_CODES } from './failure.error-codes';
import { failureTraitsOf } from './failure-traits.reader';

const UNCLASSIFIED = { code: 'UNCLASSIFIED', retriable: true };

class DeclaringError extends Error implements OpalErrorTraits {
  constructor(
    message: string,
    readonly code: string,
    readonly retriable: boolean,
    readonly dependency?: OpalErrorTraits['dependency'],
    readonly waitsForOwner?: boolean,
  ) {
    super(message);
  }
}

describe(failureTraitsOf.name, () => {
  it('should read the traits an error declares', () => {
    expect(failureTraitsOf(new DeclaringError('down', 'X_DOWN', true, 'kafka'))).toEqual({
      code: 'X_DOWN',
      retriable: true,
      dependency: 'kafka',
    });
    expect(failureTraitsOf(new DeclaringError('held', 'X_HELD', true, undefined, true))).toEqual({
      code: 'X_HELD',
      retriable: true,
      waitsForOwner: true,
    });
    expect(failureTraitsOf(new DeclaringError('never', 'X_NEVER', false))).toEqual({
      code: 'X_NEVER',
      retriable: false,
    });
  });

  it('should read them by shape, so an error from another copy of a lib counts', () => {
    const foreign = { code: 'SCHEMA_REGISTRY_UNAVAILABLE', retriable: true, dependency: 'schema-registry' };

    expect(failureTraitsOf(foreign)).toEqual(foreign);
  });

  it('should let declared traits win over a message that reads like a Redis failure', () => {
    expect(failureTraitsOf(new DeclaringError('connect ECONNREFUSED', 'X_NEVER', false))).toEqual({
      code: 'X_NEVER',
      retriable: false,
    });
  });

  it('should drop a dependency it does not know, and a waitsForOwner that is not true', () => {
    expect(failureTraitsOf({ code: 'X', retriable: true, dependency: 'postgres', waitsForOwner: 'yes' })).toEqual({
      code: 'X',
      retriable: true,
    });
  });

  it('should name Redis as down for an ioredis connection failure, which declares nothing', () => {
    expect(failureTraitsOf(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toEqual({
      code: 'REDIS_CONNECTION_FAILED',
      retriable: true,
      dependency: 'redis',
    });
  });

  it.each([
    ['a plain Error', new TypeError('bug')],
    ['a kafkajs error (numeric code)', Object.assign(new Error('not leader'), { code: 6, retriable: true })],
    ['a Node system error (no retriable)', Object.assign(new Error('no such file'), { code: 'ENOENT' })],
    ['a string', 'a string'],
    ['undefined', undefined],
    ['null', null],
  ])('should give %s the safe default: retriable, no dependency', (_, error) => {
    expect(failureTraitsOf(error)).toEqual(UNCLASSIFIED);
  });

  it('should only give codes of its catalogue to errors that declare none', () => {
    const given = [failureTraitsOf(new Error('Connection is closed.')), failureTraitsOf('x')].map(({ code }) => code);

    expect([...given].sort()).toEqual([...FAILURE_ERROR_CODES].sort());
  });
});
