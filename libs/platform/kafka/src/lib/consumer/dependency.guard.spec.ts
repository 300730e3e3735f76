import { Logger } from '@nestjs/common';
import type { Dependency } from '@opal/platform-errors';
import { IdempotencyStoreUnavailableError } from '@opal/platform-idempotency';
import { SchemaRegistryUnavailableError } from '@opal/platform-schema-registry';
import { KafkaUnavailableError } from '../producer/event-producer.errors';
import { DependencyUnavailableError } from './consumer.errors';
import { DependencyGuard, type BreakerState } from './dependency.guard';

const RESET_MS = 1_000;
const redisDown = () => new IdempotencyStoreUnavailableError('claim', 'connection');

// opossum keeps the reset timer, so the guard's clock is Jest's fake one.
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe(DependencyGuard.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  let probes: Record<Dependency, jest.Mock<Promise<unknown>, []>>;
  let states: Array<[Dependency, BreakerState]>;
  let availability: boolean[];
  let guard: DependencyGuard;

  beforeEach(() => {
    jest.useFakeTimers();
    probes = {
      redis: jest.fn(async () => 'PONG'),
      'schema-registry': jest.fn(async () => []),
      kafka: jest.fn(async () => undefined),
    };
    states = [];
    availability = [];
    guard = new DependencyGuard({
      probes,
      resetTimeoutMs: RESET_MS,
      onStateChange: (dependency, state) => states.push([dependency, state]),
      onAvailabilityChange: (available) => availability.push(available),
    });
    states.length = 0;
  });

  afterEach(() => {
    guard.shutdown();
    jest.useRealTimers();
  });

  describe('run', () => {
    it('should give back what the operation gives while the dependency is up', async () => {
      await expect(guard.run('redis', async () => 42)).resolves.toBe(42);

      expect(guard.available).toBe(true);
    });

    it.each<[Dependency, () => Error]>([
      ['redis', redisDown],
      ['schema-registry', () => new SchemaRegistryUnavailableError('down')],
      ['kafka', () => new KafkaUnavailableError('down')],
    ])('should open the %s breaker on a failure that shows it down, and rethrow it', async (dependency, failure) => {
      const error = failure();

      await expect(guard.run(dependency, () => Promise.reject(error))).rejects.toBe(error);

      expect(guard.openDependencies()).toEqual([dependency]);
      expect(guard.available).toBe(false);
      expect(states).toEqual([[dependency, 'open']]);
      expect(availability).toEqual([false]);
    });

    it('should refuse with DependencyUnavailableError while open, without running the operation', async () => {
      guard.trip('kafka', new KafkaUnavailableError('down'));
      const operation = jest.fn(async () => 'written');

      const refused = guard.run('kafka', operation);

      await expect(refused).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(refused).rejects.toMatchObject({ dependency: 'kafka' });
      expect(operation).not.toHaveBeenCalled();
      await expect(guard.run('redis', async () => 'other breakers still run')).resolves.toBe(
        'other breakers still run',
      );
    });

    it('should not trip the registry breaker for a Redis failure inside run(schema-registry)', async () => {
      const error = redisDown();

      await expect(guard.run('schema-registry', () => Promise.reject(error))).rejects.toBe(error);

      expect(guard.openDependencies()).toEqual([]);
      expect(states).toEqual([]);
    });

    it('should let a failure that names no dependency pass without tripping', async () => {
      await expect(guard.run('redis', () => Promise.reject(new TypeError('bug')))).rejects.toThrow('bug');

      expect(guard.available).toBe(true);
    });
  });

  describe('trip', () => {
    it('should open the named breaker once, however often it is tripped', () => {
      guard.trip('redis', redisDown());
      guard.trip('redis', redisDown());

      expect(guard.openDependencies()).toEqual(['redis']);
      expect(states).toEqual([['redis', 'open']]);
    });
  });

  describe('probe', () => {
    it('should half-open after resetTimeoutMs, and close when the probe answers', async () => {
      guard.trip('redis', redisDown());

      await elapse(RESET_MS - 1);
      expect(probes.redis).not.toHaveBeenCalled();

      await elapse(1);
      expect(probes.redis).toHaveBeenCalledTimes(1);
      expect(states).toEqual([
        ['redis', 'open'],
        ['redis', 'half-open'],
        ['redis', 'closed'],
      ]);
      expect(guard.available).toBe(true);
      expect(availability).toEqual([false, true]);
      await expect(guard.run('redis', async () => 'back')).resolves.toBe('back');
    });

    it('should refuse calls while the probe is still out', async () => {
      let answer: () => void = () => undefined;
      probes.redis.mockImplementationOnce(() => new Promise<void>((resolve) => (answer = resolve)));
      guard.trip('redis', redisDown());

      await elapse(RESET_MS);

      expect(states.at(-1)).toEqual(['redis', 'half-open']);
      await expect(guard.run('redis', async () => 'too early')).rejects.toBeInstanceOf(DependencyUnavailableError);
      answer();
      await elapse(0);
      expect(guard.available).toBe(true);
    });

    it('should stay open for another period when the probe fails, then probe again', async () => {
      probes.redis.mockRejectedValueOnce(new Error('Connection is closed.'));
      guard.trip('redis', redisDown());

      await elapse(RESET_MS);

      expect(states).toEqual([
        ['redis', 'open'],
        ['redis', 'half-open'],
        ['redis', 'open'],
      ]);
      expect(guard.openDependencies()).toEqual(['redis']);
      expect(availability).toEqual([false]);

      await elapse(RESET_MS);

      expect(probes.redis).toHaveBeenCalledTimes(2);
      expect(guard.available).toBe(true);
    });
  });

  describe('shutdown', () => {
    it('should stop probing, leaving the breakers as they are', async () => {
      guard.trip('redis', redisDown());

      guard.shutdown();
      await elapse(RESET_MS * 3);

      expect(probes.redis).not.toHaveBeenCalled();
      expect(guard.openDependencies()).toEqual(['redis']);
    });
  });
});
