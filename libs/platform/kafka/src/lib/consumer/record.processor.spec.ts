import { Logger } from '@nestjs/common';
import { DLQ_HEADERS } from '@opal/contracts';
import { IdempotencyInFlightError, IdempotencyStoreUnavailableError } from '@opal/platform-idempotency';
import { SchemaRegistryUnavailableError, UndecodableMessageError } from '@opal/platform-schema-registry';
import type { EventRecord, RecordPosition } from '../producer/event-producer.types';
import { KafkaUnavailableError } from '../producer/event-producer.errors';
import { PermanentProcessingError } from './consumer.errors';
import type { SourceRecord } from './dead-letter.record';
import { DependencyGuard } from './dependency.guard';
import { APPLIED } from './handler-outcome';
import { RecordProcessor, type RecordProcessorOptions } from './record.processor';

const START = Date.parse('2025-01-01T00:00:00.000Z');
const RESET_MS = 1_000;
// With the jitter draw fixed at 0.5, attempt n backs off half of min(max, base * 2^(n-1)).
const BACKOFF = { baseDelayMs: 100, maxDelayMs: 10_000 };
const HALF = () => 0.5;

const source: SourceRecord = {
  topic: 'opal.test',
  partition: 2,
  offset: '7',
  timestamp: '1735689600000',
  key: Buffer.from('k'),
  value: Buffer.from([0, 0, 0, 0, 1]),
  headers: { event_id: 'evt-1' },
};

function setUp(options: Partial<RecordProcessorOptions> = {}) {
  const guard = new DependencyGuard({
    probes: { redis: async () => 'PONG', 'schema-registry': async () => [], kafka: async () => undefined },
    resetTimeoutMs: RESET_MS,
  });
  const handler = jest.fn<Promise<unknown>, [unknown, SourceRecord]>(async () => APPLIED);
  const ports = {
    decode: jest.fn(async () => ({ event_id: 'evt-1' })),
    handlerFor: jest.fn((): typeof handler | undefined => handler),
    publishDeadLetter: jest.fn(
      async (letter: EventRecord): Promise<RecordPosition> => ({ topic: letter.topic, partition: 2, offset: '0' }),
    ),
  };
  const sleeps: number[] = [];
  const outcomes: string[] = [];
  let clock = START;
  let keepGoing = true;
  const processor = new RecordProcessor(
    ports,
    guard,
    {
      group: 'test-group',
      maxAttempts: 3,
      backoff: BACKOFF,
      inFlightWaitMs: 200,
      onOutcome: (_topic, outcome) => void outcomes.push(outcome),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
      random: HALF,
      ...options,
    },
    () => keepGoing,
  );
  const deadLetters = () => ports.publishDeadLetter.mock.calls.map(([letter]) => letter);
  const stop = () => (keepGoing = false);
  return { guard, handler, ports, processor, sleeps, outcomes, deadLetters, stop };
}

describe(RecordProcessor.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  let harness: ReturnType<typeof setUp>;

  beforeEach(() => {
    // The breakers' reset timers run on Jest's clock; the processor's own waits go through `sleep`.
    jest.useFakeTimers();
    harness = setUp();
  });

  afterEach(() => {
    harness.guard.shutdown();
    jest.useRealTimers();
  });

  describe('process', () => {
    it('should decode, handle and report a processed record', async () => {
      const { processor, handler, outcomes, sleeps } = harness;

      await expect(processor.process(source)).resolves.toBe('done');

      expect(handler).toHaveBeenCalledWith({ event_id: 'evt-1' }, source);
      expect(outcomes).toEqual(['processed']);
      expect(sleeps).toEqual([]);
    });

    describe('a transient failure', () => {
      it('should retry with backoff and go on when an attempt succeeds', async () => {
        const { processor, handler, outcomes, sleeps, deadLetters } = harness;
        handler.mockRejectedValueOnce(new TypeError('flaky'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(handler).toHaveBeenCalledTimes(2);
        expect(sleeps).toEqual([50]);
        expect(outcomes).toEqual(['retried', 'processed']);
        expect(deadLetters()).toEqual([]);
      });

      it('should dead-letter after the last attempt, with the failure in the x-dlq headers', async () => {
        const { processor, handler, outcomes, sleeps, deadLetters } = harness;
        handler.mockRejectedValue(new TypeError('bug'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(handler).toHaveBeenCalledTimes(3);
        expect(sleeps).toEqual([50, 100]);
        expect(outcomes).toEqual(['retried', 'retried', 'dead_lettered']);
        expect(deadLetters()).toEqual([
          {
            topic: 'opal.test.dlq',
            partition: 2,
            key: 'k',
            value: source.value,
            headers: {
              event_id: 'evt-1',
              [DLQ_HEADERS.originalTopic]: 'opal.test',
              [DLQ_HEADERS.originalPartition]: '2',
              [DLQ_HEADERS.originalOffset]: '7',
              [DLQ_HEADERS.originalTimestamp]: '1735689600000',
              [DLQ_HEADERS.consumerGroup]: 'test-group',
              [DLQ_HEADERS.attempts]: '3',
              [DLQ_HEADERS.errorClass]: 'TypeError',
              [DLQ_HEADERS.errorMessage]: 'bug',
              [DLQ_HEADERS.failedAt]: new Date(START + 150).toISOString(),
            },
          },
        ]);
      });

      it('should leave the record uncommitted when the consumer stops between attempts', async () => {
        const { processor, handler, stop, deadLetters } = harness;
        handler.mockImplementation(async () => {
          stop();
          throw new TypeError('bug');
        });

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(handler).toHaveBeenCalledTimes(1);
        expect(deadLetters()).toEqual([]);
      });
    });

    describe('a permanent failure', () => {
      it('should dead-letter at once, without sleeping', async () => {
        const { processor, handler, outcomes, sleeps, deadLetters } = harness;
        handler.mockRejectedValue(new PermanentProcessingError('breaks a rule'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(handler).toHaveBeenCalledTimes(1);
        expect(sleeps).toEqual([]);
        expect(outcomes).toEqual(['dead_lettered']);
        expect(deadLetters()[0]?.headers).toMatchObject({
          [DLQ_HEADERS.attempts]: '1',
          [DLQ_HEADERS.errorClass]: 'PermanentProcessingError',
          [DLQ_HEADERS.errorMessage]: 'breaks a rule',
        });
      });

      it('should dead-letter a record no handler takes', async () => {
        const { processor, ports, deadLetters } = harness;
        ports.handlerFor.mockReturnValue(undefined);

        await expect(processor.process(source)).resolves.toBe('done');

        expect(deadLetters()[0]?.headers[DLQ_HEADERS.errorClass]).toBe('NoHandlerError');
      });

      it('should dead-letter what the batch could not decode, without decoding again', async () => {
        const { processor, ports, handler, deadLetters } = harness;

        await expect(processor.process(source, { error: new UndecodableMessageError('too short') })).resolves.toBe(
          'done',
        );

        expect(ports.decode).not.toHaveBeenCalled();
        expect(handler).not.toHaveBeenCalled();
        expect(deadLetters()[0]?.headers[DLQ_HEADERS.errorClass]).toBe('UndecodableMessageError');
      });
    });

    describe('a dependency failure', () => {
      it('should trip the breaker and pause: no retry, no dead letter, no commit', async () => {
        const { processor, handler, guard, outcomes, sleeps, deadLetters } = harness;
        handler.mockRejectedValue(new IdempotencyStoreUnavailableError('claim', 'connection'));

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(handler).toHaveBeenCalledTimes(1);
        expect(guard.openDependencies()).toEqual(['redis']);
        expect(sleeps).toEqual([]);
        expect(outcomes).toEqual([]);
        expect(deadLetters()).toEqual([]);
      });

      it('should trip the breaker the error names, not the one the call ran under', async () => {
        const { processor, handler, guard } = harness;
        handler.mockRejectedValue(new SchemaRegistryUnavailableError('down'));

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(guard.openDependencies()).toEqual(['schema-registry']);
      });

      it('should pause a record whose batch decode found the registry down', async () => {
        const { processor, handler, guard } = harness;

        await expect(processor.process(source, { error: new SchemaRegistryUnavailableError('down') })).resolves.toBe(
          'paused',
        );

        expect(handler).not.toHaveBeenCalled();
        expect(guard.openDependencies()).toEqual(['schema-registry']);
      });

      it('should not run the handler while a breaker it needs is open', async () => {
        const { processor, handler, guard, deadLetters } = harness;
        guard.trip('redis', new Error('Connection is closed.'));

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(handler).not.toHaveBeenCalled();
        expect(deadLetters()).toEqual([]);
      });

      it('should spend no attempts: once the breaker closes the record gets all of them', async () => {
        const { processor, handler, guard, deadLetters } = harness;
        handler.mockRejectedValueOnce(new IdempotencyStoreUnavailableError('claim', 'timeout'));
        await processor.process(source);
        await jest.advanceTimersByTimeAsync(RESET_MS);
        expect(guard.available).toBe(true);
        handler.mockRejectedValue(new TypeError('bug'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(handler).toHaveBeenCalledTimes(1 + 3);
        expect(deadLetters()[0]?.headers[DLQ_HEADERS.attempts]).toBe('3');
      });
    });

    describe('a claim another consumer holds', () => {
      // One attempt: any wait that spent one would dead-letter the record.
      const withOneAttempt = () => {
        harness.guard.shutdown();
        harness = setUp({ maxAttempts: 1 });
        return harness;
      };

      it('should wait for it without spending attempts', async () => {
        const { processor, handler, outcomes, sleeps, deadLetters } = withOneAttempt();
        handler
          .mockRejectedValueOnce(new IdempotencyInFlightError('test-group', 'evt-1'))
          .mockRejectedValueOnce(new IdempotencyInFlightError('test-group', 'evt-1'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(handler).toHaveBeenCalledTimes(3);
        expect(sleeps).toEqual([100, 100]);
        expect(outcomes).toEqual(['processed']);
        expect(deadLetters()).toEqual([]);
      });

      it('should count it as a failed attempt once inFlightWaitMs has passed', async () => {
        const { processor, handler, sleeps, deadLetters } = withOneAttempt();
        handler.mockRejectedValue(new IdempotencyInFlightError('test-group', 'evt-1'));

        await expect(processor.process(source)).resolves.toBe('done');

        expect(sleeps).toEqual([100, 100]);
        expect(deadLetters()[0]?.headers).toMatchObject({
          [DLQ_HEADERS.attempts]: '1',
          [DLQ_HEADERS.errorClass]: 'IdempotencyInFlightError',
        });
      });
    });

    describe('a dead letter that cannot be written', () => {
      it.each([
        ['Kafka is down', new KafkaUnavailableError('down')],
        ['the write failed for another reason', new Error('record too large')],
      ])('should pause and open the Kafka breaker when %s', async (_, publishError) => {
        const { processor, handler, ports, guard, outcomes } = harness;
        handler.mockRejectedValue(new PermanentProcessingError('no'));
        ports.publishDeadLetter.mockRejectedValue(publishError);

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(ports.publishDeadLetter).toHaveBeenCalledTimes(1);
        expect(guard.openDependencies()).toEqual(['kafka']);
        expect(outcomes).not.toContain('dead_lettered');
      });

      it('should open the breaker of the dependency the publish failure names', async () => {
        const { processor, handler, ports, guard } = harness;
        handler.mockRejectedValue(new PermanentProcessingError('no'));
        ports.publishDeadLetter.mockRejectedValue(new Error('Connection is closed.'));

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(guard.openDependencies()).toEqual(['redis']);
      });

      it('should not try to write while the Kafka breaker is open', async () => {
        const { processor, handler, ports, guard } = harness;
        handler.mockRejectedValue(new PermanentProcessingError('no'));
        guard.trip('kafka', new KafkaUnavailableError('down'));

        await expect(processor.process(source)).resolves.toBe('paused');

        expect(ports.publishDeadLetter).not.toHaveBeenCalled();
      });
    });
  });
});
