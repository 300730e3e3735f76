import type { Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { OpalKafkaServer } from './opal-kafka.server';

const TOPIC = 'opal.test';

const message = (offset: string): KafkaMessage =>
  ({
    offset,
    key: null,
    value: Buffer.from([0, 0, 0, 0, 1]),
    headers: {},
    timestamp: '0',
    attributes: 0,
  }) as KafkaMessage;

/** A kafkajs consumer that records what the server asks of it. */
function fakeConsumer() {
  const consumer = {
    subscribe: jest.fn(async () => undefined),
    run: jest.fn<Promise<void>, [ConsumerRunConfig]>(async () => undefined),
    commitOffsets: jest.fn(async () => undefined),
    seek: jest.fn(),
    pause: jest.fn(),
    resume: jest.fn(),
  };
  return consumer;
}

/** One batch of `offsets` on partition 0, running while `running.value` is true. */
function batchPayload(offsets: string[], running: { value: boolean }) {
  return {
    batch: { topic: TOPIC, partition: 0, messages: offsets.map(message) },
    resolveOffset: jest.fn(),
    heartbeat: jest.fn(async () => undefined),
    isRunning: () => running.value,
    isStale: () => false,
    commitOffsetsIfNecessary: jest.fn(async () => undefined),
  };
}

describe(OpalKafkaServer.name, () => {
  let server: OpalKafkaServer;
  let consumer: ReturnType<typeof fakeConsumer>;
  let eachBatch: (payload: EachBatchPayload) => Promise<void>;
  const handled: string[] = [];
  let duringHandler: () => void = () => undefined;

  beforeEach(async () => {
    handled.length = 0;
    duringHandler = () => undefined;
    server = new OpalKafkaServer({
      kafka: { brokers: ['127.0.0.1:9'] },
      groupId: 'test-group',
      registry: {
        decode: (async () => ({ schemaId: 1, value: { event_id: 'e' } })) as SchemaRegistryClient['decode'],
        decodeBatch: (async (messages: Buffer[]) =>
          messages.map(() => ({
            decoded: { schemaId: 1, value: { event_id: 'e' } },
          }))) as SchemaRegistryClient['decodeBatch'],
      },
      deadLetters: { send: jest.fn() },
      probes: { redis: async () => undefined, 'schema-registry': async () => undefined, kafka: async () => undefined },
      maxAttempts: 3,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      circuitBreakerResetMs: 1_000,
      inFlightWaitMs: 10,
      partitionsConsumedConcurrently: 3,
      recordsConsumedConcurrently: 1,
      lagIntervalMs: 5_000,
    });
    server.addHandler(
      TOPIC,
      async (_data: unknown, context: { getMessage(): KafkaMessage }) => {
        handled.push(context.getMessage().offset);
        duringHandler();
      },
      true,
    );
    consumer = fakeConsumer();
    server['consumer'] = consumer as unknown as Consumer;
    await server.bindEvents(consumer as unknown as Consumer);
    const config = consumer.run.mock.calls[0]?.[0];
    if (!config?.eachBatch) throw new Error('the server registered no eachBatch');
    eachBatch = config.eachBatch;
  });

  afterEach(() => server.onApplicationShutdown());

  describe('bindEvents', () => {
    it('should consume without auto-commit or auto-resolve', () => {
      expect(consumer.run).toHaveBeenCalledWith(
        expect.objectContaining({ autoCommit: false, eachBatchAutoResolve: false }),
      );
    });
  });

  describe('fetch sizes', () => {
    const consumerOptionsOf = (extra: Partial<ConstructorParameters<typeof OpalKafkaServer>[0]>) =>
      new OpalKafkaServer({ ...server['settings'], ...extra })['options'].consumer;

    it("should leave kafkajs' fetch sizes alone unless a size per partition is given", () => {
      expect(consumerOptionsOf({})).not.toHaveProperty('maxBytesPerPartition');
      expect(consumerOptionsOf({})).not.toHaveProperty('maxBytes');
    });

    it('should fetch the size per partition and, in one fetch, a full batch of every partition processed at once', () => {
      const MiB = 1024 * 1024;

      expect(consumerOptionsOf({ fetchMaxBytesPerPartition: 4 * MiB, partitionsConsumedConcurrently: 3 })).toMatchObject({
        maxBytesPerPartition: 4 * MiB,
        maxBytes: 12 * MiB,
      });
      // Never below kafkajs' own 10 MiB for the whole fetch.
      expect(consumerOptionsOf({ fetchMaxBytesPerPartition: MiB, partitionsConsumedConcurrently: 1 })).toMatchObject({
        maxBytesPerPartition: MiB,
        maxBytes: 10 * MiB,
      });
    });
  });

  describe('eachBatch', () => {
    it('should commit past the last record handled through the consumer while it runs', async () => {
      const payload = batchPayload(['4', '5'], { value: true });

      await eachBatch(payload as unknown as EachBatchPayload);

      expect(handled).toEqual(['4', '5']);
      expect(consumer.commitOffsets).toHaveBeenCalledWith([{ topic: TOPIC, partition: 0, offset: '6' }]);
      expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
    });

    it('should finish the record in hand when the consumer starts stopping, commit it through the batch, and handle nothing more', async () => {
      const running = { value: true };
      // SIGTERM lands while the first record's handler runs: kafkajs' consumer.commitOffsets is a no-op from then on.
      duringHandler = () => (running.value = false);
      const payload = batchPayload(['7', '8', '9'], running);

      await eachBatch(payload as unknown as EachBatchPayload);

      expect(handled).toEqual(['7']);
      expect(payload.commitOffsetsIfNecessary).toHaveBeenCalledWith({
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '8' }] }],
      });
      expect(consumer.commitOffsets).not.toHaveBeenCalled();
    });

    it('should decode the batch once and start the first record of every key together, keeping each key in offset order', async () => {
      const decodeBatch = jest.fn(async (messages: Buffer[]) =>
        messages.map(() => ({ decoded: { schemaId: 1, value: {} } })),
      );
      const decode = jest.fn();
      const keyed = new OpalKafkaServer({
        ...server['settings'],
        registry: { decode, decodeBatch } as unknown as SchemaRegistryClient,
        recordsConsumedConcurrently: 100,
      });
      const started: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      keyed.addHandler(
        TOPIC,
        async (_data: unknown, context: { getMessage(): KafkaMessage }) => {
          started.push(context.getMessage().offset);
          await gate;
        },
        true,
      );
      const keyedConsumer = fakeConsumer();
      keyed['consumer'] = keyedConsumer as unknown as Consumer;
      await keyed.bindEvents(keyedConsumer as unknown as Consumer);
      const payload = batchPayload(['0', '1', '2', '3'], { value: true });
      // Keys a, b, a, c: offset 2 waits for offset 0 (same key); the others run at once.
      ['a', 'b', 'a', 'c'].forEach(
        (key, i) =>
          (payload.batch.messages[i] = { ...payload.batch.messages[i], key: Buffer.from(key) } as KafkaMessage),
      );
      const run = keyedConsumer.run.mock.calls[0]?.[0]?.eachBatch;

      const done = run?.(payload as unknown as EachBatchPayload);
      await new Promise((resolve) => setImmediate(resolve));
      const startedBeforeAnyFinished = [...started];
      release();
      await done;
      keyed.onApplicationShutdown();

      expect(decodeBatch).toHaveBeenCalledTimes(1);
      expect(decode).not.toHaveBeenCalled();
      expect(startedBeforeAnyFinished).toEqual(['0', '1', '3']);
      expect(started).toEqual(['0', '1', '3', '2']);
      expect(keyedConsumer.commitOffsets).toHaveBeenCalledWith([{ topic: TOPIC, partition: 0, offset: '4' }]);
    });

    it('should commit inside a long batch every commitEveryRecords records, and the rest at its end', async () => {
      const chunked = new OpalKafkaServer({ ...server['settings'], commitEveryRecords: 2 });
      chunked.addHandler(TOPIC, async () => undefined, true);
      const chunkedConsumer = fakeConsumer();
      chunked['consumer'] = chunkedConsumer as unknown as Consumer;
      await chunked.bindEvents(chunkedConsumer as unknown as Consumer);

      await chunkedConsumer.run.mock.calls[0]?.[0]?.eachBatch?.(
        batchPayload(['0', '1', '2', '3', '4'], { value: true }) as unknown as EachBatchPayload,
      );
      chunked.onApplicationShutdown();

      expect(chunkedConsumer.commitOffsets.mock.calls).toEqual([
        [[{ topic: TOPIC, partition: 0, offset: '2' }]],
        [[{ topic: TOPIC, partition: 0, offset: '4' }]],
        [[{ topic: TOPIC, partition: 0, offset: '5' }]],
      ]);
    });

    describe('with a commit barrier', () => {
      /** What Redis WAIT's refusal says of itself: transient, and Redis is what cannot confirm. */
      const notDurable = () => Object.assign(new Error('0 of 1 replicas acknowledged'), { code: 'TEST_NOT_DURABLE', retriable: true, dependency: 'redis' as const });

      async function serverWith(commitBarrier: () => Promise<void>, extra: Partial<ConstructorParameters<typeof OpalKafkaServer>[0]> = {}) {
        const guarded = new OpalKafkaServer({ ...server['settings'], commitBarrier, ...extra });
        const seen: string[] = [];
        guarded.addHandler(TOPIC, async (_data: unknown, context: { getMessage(): KafkaMessage }) => void seen.push(context.getMessage().offset), true);
        const guardedConsumer = fakeConsumer();
        guarded['consumer'] = guardedConsumer as unknown as Consumer;
        await guarded.bindEvents(guardedConsumer as unknown as Consumer);
        const run = (offsets: string[]) =>
          guardedConsumer.run.mock.calls[0]?.[0]?.eachBatch?.(batchPayload(offsets, { value: true }) as unknown as EachBatchPayload);
        return { guarded, guardedConsumer, seen, run };
      }

      it('should commit only after the barrier confirmed the effects before the offset', async () => {
        const order: string[] = [];
        const { guarded, guardedConsumer, run } = await serverWith(async () => void order.push('barrier'));
        guardedConsumer.commitOffsets.mockImplementation(async () => void order.push('commit'));

        await run(['4', '5']);
        guarded.onApplicationShutdown();

        expect(order).toEqual(['barrier', 'commit']);
        expect(guardedConsumer.commitOffsets).toHaveBeenCalledWith([{ topic: TOPIC, partition: 0, offset: '6' }]);
      });

      it('should hold the commit back when the barrier refuses, pause on the dependency it names, and fetch the batch again', async () => {
        const { guarded, guardedConsumer, seen, run } = await serverWith(async () => Promise.reject(notDurable()));

        await run(['7', '8', '9']);
        guarded.onApplicationShutdown();

        expect(seen).toEqual(['7', '8', '9']);
        expect(guardedConsumer.commitOffsets).not.toHaveBeenCalled();
        expect(guardedConsumer.seek).toHaveBeenCalledWith({ topic: TOPIC, partition: 0, offset: '7' });
        expect(guarded.unavailableDependencies()).toEqual(['redis']);
        expect(guardedConsumer.pause).toHaveBeenCalled();
      });

      it('should keep what a confirmed commit passed, start nothing after a refusal, and rewind to the first record not committed', async () => {
        let answers = 0;
        const { guarded, guardedConsumer, seen, run } = await serverWith(
          async () => {
            answers += 1;
            if (answers > 1) throw notDurable();
          },
          { commitEveryRecords: 2 },
        );

        await run(['0', '1', '2', '3', '4', '5']);
        guarded.onApplicationShutdown();

        expect(guardedConsumer.commitOffsets.mock.calls).toEqual([[[{ topic: TOPIC, partition: 0, offset: '2' }]]]);
        expect(guardedConsumer.seek).toHaveBeenCalledWith({ topic: TOPIC, partition: 0, offset: '2' });
        // Records 0-3 ran before the refusal came back; none started after it.
        expect(seen).toEqual(['0', '1', '2', '3']);
      });
    });

    it('should commit nothing when it stopped before the first record', async () => {
      const payload = batchPayload(['3'], { value: false });

      await eachBatch(payload as unknown as EachBatchPayload);

      expect(handled).toEqual([]);
      expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
      expect(consumer.commitOffsets).not.toHaveBeenCalled();
    });
  });
});
