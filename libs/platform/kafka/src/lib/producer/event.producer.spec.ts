import { CompressionTypes, Partitioners } from 'kafkajs';
import type { RecordMetadata } from 'kafkajs';
import {
  FakeKafka,
  connectionRefusedError,
  deferred,
  partitionMetadata,
  type SendBatchBehaviour,
} from '../../../test/fakes/fake-kafka';
import { KafkaProduceError, KafkaUnavailableError, KafkaUnknownTopicError } from './event-producer.errors';
import type { EventProducerOptions, EventRecord, ProduceResult, RecordPosition } from './event-producer.types';
import { EventProducer } from './event.producer';

const TOPIC = 'opal.workflow.started';

function record(key: string, seq = 0, topic = TOPIC): EventRecord {
  return { topic, key, value: Buffer.from(`value-${seq}`), headers: { event_id: `e-${seq}` } };
}

const partitions = partitionMetadata;

/** Lets queued promise callbacks and due timers run. */
async function settle(ms = 0): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe(EventProducer.name, () => {
  let kafka: FakeKafka;
  const producers: EventProducer[] = [];

  function create(options: Partial<EventProducerOptions> = {}): EventProducer {
    const producer = new EventProducer({ kafka, ...options });
    producers.push(producer);
    return producer;
  }

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    kafka = new FakeKafka();
  });

  afterEach(async () => {
    const closing = Promise.allSettled(producers.splice(0).map((producer) => producer.disconnect()));
    await jest.runAllTimersAsync();
    await closing;
    jest.useRealTimers();
  });

  describe('constructor', () => {
    it('should configure an idempotent producer that never creates topics, without connecting', () => {
      create({ retry: { retries: 2, initialRetryTime: 50 } });
      // The session (producer + admin) is created lazily on the first flush.
      expect(kafka.producers).toHaveLength(0);
    });

    it.each([
      [{ maxInFlightRequests: 6 }, /maxInFlightRequests/],
      [{ maxBatchSize: 0 }, /maxBatchSize/],
      [{ lingerMs: -1 }, /lingerMs/],
      [{ retry: { retries: 0 } }, /retry\.retries/],
      [{ deliveryTimeoutMs: 1.5 }, /deliveryTimeoutMs/],
    ])('should refuse %j', (options, message) => {
      expect(() => new EventProducer({ kafka, ...options })).toThrow(message);
    });
  });

  describe('send', () => {
    it('should create its kafkajs producer idempotent, with at most 5 requests in flight and no topic auto-creation', async () => {
      const producer = create({ retry: { retries: 2, initialRetryTime: 50 } });

      await Promise.all([producer.send(record('a')), settle(5)]);

      expect(kafka.producers[0]?.config).toMatchObject({
        idempotent: true,
        maxInFlightRequests: 5,
        allowAutoTopicCreation: false,
        retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 1_000 },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
    });

    it('should send with acks=all, Snappy, the request timeout and an explicit partition per message', async () => {
      const producer = create({ requestTimeoutMs: 2_500 });

      await Promise.all([producer.send(record('a', 1)), settle(5)]);

      expect(kafka.sendBatchCalls).toEqual([
        {
          acks: -1,
          compression: CompressionTypes.Snappy,
          timeout: 2_500,
          topicMessages: [
            {
              topic: TOPIC,
              messages: [
                {
                  key: 'a',
                  value: Buffer.from('value-1'),
                  headers: { event_id: 'e-1' },
                  partition: expect.any(Number),
                },
              ],
            },
          ],
        },
      ]);
    });

    it('should flush as soon as maxBatchSize records are waiting, without lingering', async () => {
      const producer = create({ maxBatchSize: 3, lingerMs: 1_000 });

      const sends = [
        producer.send(record('a', 1)),
        producer.send(record('b', 2)),
        producer.send(record('c', 3)),
        producer.send(record('d', 4)),
      ];
      await settle();

      // Well before lingerMs: the full batch at once, then the record that queued behind it.
      expect(kafka.sendBatchCalls.map((call) => call.topicMessages?.[0]?.messages.map(({ key }) => key))).toEqual([
        ['a', 'b', 'c'],
        ['d'],
      ]);
      await Promise.all(sends);
    });

    it('should flush lingerMs after the first waiting record when the batch is not full', async () => {
      const producer = create({ lingerMs: 50 });

      const first = producer.send(record('a', 1));
      await settle(30);
      const second = producer.send(record('b', 2));
      await settle(19);
      expect(kafka.sendBatchCalls).toHaveLength(0);

      await settle(1);
      expect(kafka.sendBatchCalls).toHaveLength(1);
      expect(kafka.sendBatchCalls[0]?.topicMessages?.[0]?.messages).toHaveLength(2);
      await Promise.all([first, second]);
    });

    it('should flush at the end of the event-loop turn with lingerMs 0, the turn’s records as one batch', async () => {
      const producer = create({ lingerMs: 0 });

      const sameTurn = [producer.send(record('a', 1)), producer.send(record('b', 2))];
      expect(kafka.sendBatchCalls).toHaveLength(0);
      await settle();

      expect(kafka.sendBatchCalls).toHaveLength(1);
      expect(kafka.sendBatchCalls[0]?.topicMessages?.[0]?.messages.map(({ key }) => key)).toEqual(['a', 'b']);
      await Promise.all(sameTurn);
    });

    it('should cut a batch before it exceeds maxBatchBytes', async () => {
      const producer = create({ maxBatchBytes: 100, lingerMs: 10 });
      const big = (key: string): EventRecord => ({ topic: TOPIC, key, value: Buffer.alloc(40), headers: {} });

      const sends = ['a', 'b', 'c'].map((key) => producer.send(big(key)));
      await settle(10);

      expect(kafka.sendBatchCalls.map((call) => call.topicMessages?.[0]?.messages.length)).toEqual([2, 1]);
      await Promise.all(sends);
    });

    it('should keep one flush in flight and send what arrived meanwhile as the next batch', async () => {
      const producer = create({ lingerMs: 5, maxBatchSize: 100 });
      const held = deferred<RecordMetadata[]>();
      kafka.sendBatchBehaviours.push(async (batch, append) => {
        await held.promise;
        return append(batch);
      });

      const first = producer.send(record('a', 1));
      await settle(5);
      const later = Array.from({ length: 4 }, (_, i) => producer.send(record(`k${i}`, 10 + i)));
      await settle(50);
      expect(kafka.sendBatchCalls).toHaveLength(1);

      held.resolve([]);
      await settle();
      expect(kafka.sendBatchCalls).toHaveLength(2);
      expect(kafka.sendBatchCalls[1]?.topicMessages?.[0]?.messages).toHaveLength(4);
      await Promise.all([first, ...later]);
    });

    it('should send what queued behind a flush as soon as it ends, without lingering again', async () => {
      const producer = create({ lingerMs: 50, maxBatchSize: 100 });
      const held = deferred<RecordMetadata[]>();
      kafka.sendBatchBehaviours.push(async (batch, append) => {
        await held.promise;
        return append(batch);
      });

      const first = producer.send(record('a', 1));
      await settle(50);
      expect(kafka.sendBatchCalls).toHaveLength(1);
      await settle(2);
      const behind = [producer.send(record('b', 2)), producer.send(record('c', 3))];
      await settle(1);
      held.resolve([]);
      await settle();

      // 3 ms after the first flush began, not 50 ms after 'b' arrived.
      expect(kafka.sendBatchCalls).toHaveLength(2);
      expect(kafka.sendBatchCalls[1]?.topicMessages?.[0]?.messages.map(({ key }) => key)).toEqual(['b', 'c']);
      await Promise.all([first, ...behind]);
    });

    it('should linger again once the producer was idle: a record after a finished flush waits lingerMs', async () => {
      const producer = create({ lingerMs: 50 });
      await Promise.all([producer.send(record('a', 1)), settle(50)]);
      expect(kafka.sendBatchCalls).toHaveLength(1);

      const next = producer.send(record('b', 2));
      await settle(49);
      expect(kafka.sendBatchCalls).toHaveLength(1);
      await settle(1);
      expect(kafka.sendBatchCalls).toHaveLength(2);
      await next;
    });

    it('should tell each caller its own partition and offset: base offset plus its index in the partition', async () => {
      kafka.nextOffsets.set(`${TOPIC}/0`, 40n);
      kafka.nextOffsets.set(`${TOPIC}/1`, 7n);
      const producer = create();
      const keys = Array.from({ length: 12 }, (_, i) => `workflow-${i % 5}`);
      const partitioner = Partitioners.DefaultPartitioner();
      const expectedPartition = (key: string): number =>
        partitioner({ topic: TOPIC, partitionMetadata: partitions(3), message: { key, value: null } });

      const sends = keys.map((key, seq) => producer.send(record(key, seq)));
      await settle(5);
      const positions = await Promise.all(sends);

      const seen = new Map<number, bigint>([
        [0, 40n],
        [1, 7n],
        [2, 0n],
      ]);
      positions.forEach((position, seq) => {
        const partition = expectedPartition(keys[seq] as string);
        const offset = seen.get(partition) as bigint;
        seen.set(partition, offset + 1n);
        expect(position).toEqual<RecordPosition>({ topic: TOPIC, partition, offset: offset.toString() });
      });
      expect(kafka.sendBatchCalls).toHaveLength(1);
    });

    it('should assign the partition kafkajs DefaultPartitioner picks for each key', async () => {
      kafka.topics.set('opal.wide', 12);
      const producer = create();
      const keys = Array.from({ length: 200 }, (_, i) => `key-${i * 7919}`);
      const partitioner = Partitioners.DefaultPartitioner();

      const sends = keys.map((key, seq) => producer.send(record(key, seq, 'opal.wide')));
      await settle(5);
      const positions = await Promise.all(sends);

      expect(positions.map(({ partition }) => partition)).toEqual(
        keys.map((key) =>
          partitioner({ topic: 'opal.wide', partitionMetadata: partitions(12), message: { key, value: null } }),
        ),
      );
      expect(new Set(positions.map(({ partition }) => partition)).size).toBe(12);
    });

    it('should send one sendBatch per partition leader, so a failing broker fails only the records it leads', async () => {
      kafka.leaderOf = (_topic, partition) => (partition % 2 === 0 ? 1 : 2);
      const ledByTwo = (batch: { topicMessages?: Array<{ messages: Array<{ partition?: number }> }> }) =>
        (batch.topicMessages ?? []).some(({ messages }) =>
          messages.some(({ partition }) => (partition ?? 0) % 2 === 1),
        );
      const brokerTwoDown: SendBatchBehaviour = async (batch, append) => {
        if (ledByTwo(batch)) throw connectionRefusedError();
        return append(batch);
      };
      kafka.sendBatchBehaviours.push(brokerTwoDown, brokerTwoDown);
      const producer = create({ lingerMs: 5, maxBatchSize: 50 });
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);

      const outcomes = Promise.allSettled(keys.map((key, i) => producer.send(record(key, i))));
      await settle(5);
      const results = await outcomes;

      expect(kafka.sendBatchCalls).toHaveLength(2);
      for (const call of kafka.sendBatchCalls) {
        const leaders = new Set(
          call.topicMessages?.flatMap(({ messages }) =>
            messages.map(({ partition }) => kafka.leaderOf(TOPIC, partition ?? -1)),
          ),
        );
        expect(leaders.size).toBe(1);
      }
      const byOutcome = results.map((result) =>
        result.status === 'fulfilled'
          ? `ok:${result.value.partition % 2 === 0 ? 'broker1' : 'broker2'}`
          : `${(result.reason as Error).name}`,
      );
      expect(new Set(byOutcome)).toEqual(new Set(['ok:broker1', 'KafkaUnavailableError']));
      expect(producer.stats()).toMatchObject({ batches: 2, failedBatches: 1 });
    });

    // kafkajs 2.2.4 did this on the three-broker cluster when a partition's leader moved mid-batch.
    it('should fail as unavailable only the records of a partition missing from the acknowledgements', async () => {
      const producer = create({ lingerMs: 5, maxBatchSize: 10 });
      kafka.sendBatchBehaviours.push(async (batch, append) => {
        const acks = append(batch);
        const firstPartition = acks[0]?.partition;
        return acks.filter((ack) => ack.partition === firstPartition);
      });
      const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);

      const outcomes = Promise.allSettled(keys.map((key, i) => producer.send(record(key, i))));
      await settle(5);
      const results = await outcomes;

      const partitionsSent = new Set(kafka.sendBatchCalls[0]?.topicMessages?.[0]?.messages.map((m) => m.partition));
      expect(partitionsSent.size).toBeGreaterThan(1);
      const failed = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as unknown);
      expect(failed.length).toBeGreaterThan(0);
      expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
      for (const reason of failed) expect(reason).toBeInstanceOf(KafkaUnavailableError);
    });

    it('should reject every record of a failed batch with the classified error, and only those', async () => {
      const producer = create({ maxBatchSize: 2 });
      kafka.sendBatchBehaviours.push(async () => {
        throw Object.assign(
          new Error('The request included a message larger than the max message size the server will accept'),
          {
            name: 'KafkaJSProtocolError',
            type: 'MESSAGE_TOO_LARGE',
          },
        );
      });

      const outcomes = Promise.allSettled([
        producer.send(record('a', 1)),
        producer.send(record('b', 2)),
        producer.send(record('c', 3)),
      ]);
      await settle(5);

      const [a, b, c] = await outcomes;
      expect(a).toMatchObject({ status: 'rejected', reason: expect.any(KafkaProduceError) });
      expect(b).toMatchObject({ status: 'rejected', reason: (a as PromiseRejectedResult).reason });
      expect((a as PromiseRejectedResult).reason).toMatchObject({
        code: 'KAFKA_PRODUCE_FAILED',
        message: expect.stringContaining('max message size'),
      });
      expect(c.status).toBe('fulfilled');
      expect(producer.stats()).toMatchObject({ batches: 2, failedBatches: 1 });
    });

    it.each([
      ['connection refused', connectionRefusedError()],
      [
        'not enough replicas',
        Object.assign(new Error('Messages are rejected since there are fewer in-sync replicas than required'), {
          name: 'KafkaJSProtocolError',
          type: 'NOT_ENOUGH_REPLICAS',
        }),
      ],
      [
        'request timeout',
        Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), {
          name: 'KafkaJSRequestTimeoutError',
        }),
      ],
    ])('should reject with KafkaUnavailableError on %s', async (_, error) => {
      const producer = create();
      kafka.sendBatchBehaviours.push(async () => {
        throw error;
      });

      const outcome = producer.send(record('a')).catch((reason: unknown) => reason);
      await settle(5);

      expect(await outcome).toBeInstanceOf(KafkaUnavailableError);
      expect(await outcome).toMatchObject({ code: 'KAFKA_UNAVAILABLE', cause: error });
    });

    it('should reconnect with a new kafkajs producer after a failed batch and refresh topic metadata', async () => {
      const producer = create();
      kafka.sendBatchBehaviours.push(async () => {
        throw connectionRefusedError();
      });

      const failed = producer.send(record('a', 1)).catch((reason: unknown) => reason);
      await settle(5);
      expect(await failed).toBeInstanceOf(KafkaUnavailableError);
      const recovered = producer.send(record('a', 2));
      await settle(5);

      await expect(recovered).resolves.toMatchObject({ topic: TOPIC });
      expect(kafka.producers).toHaveLength(2);
      expect(kafka.producers[0]?.disconnectCalls).toBe(1);
      expect(kafka.admins[0]?.disconnectCalls).toBe(1);
      expect(kafka.admins[1]?.fetches).toEqual([[TOPIC]]);
    });

    it('should reject with KafkaUnavailableError when it cannot connect, and connect again on the next send', async () => {
      kafka.connectFailures.push(connectionRefusedError(), connectionRefusedError());
      const producer = create();

      const failed = producer.send(record('a', 1)).catch((reason: unknown) => reason);
      await settle(5);
      expect(await failed).toBeInstanceOf(KafkaUnavailableError);
      expect(kafka.sendBatchCalls).toHaveLength(0);

      const recovered = producer.send(record('a', 2));
      await settle(5);
      await expect(recovered).resolves.toMatchObject({ offset: '0' });
    });

    it('should reject only the records of a topic that does not exist, and never send them', async () => {
      const producer = create();

      const outcomes = Promise.allSettled([
        producer.send(record('a', 1)),
        producer.send(record('b', 2, 'opal.missing')),
        producer.send(record('c', 3)),
      ]);
      await settle(5);

      const [a, missing, c] = await outcomes;
      expect(a.status).toBe('fulfilled');
      expect(c.status).toBe('fulfilled');
      expect(missing).toMatchObject({ status: 'rejected', reason: expect.any(KafkaUnknownTopicError) });
      expect((missing as PromiseRejectedResult).reason).toMatchObject({
        topic: 'opal.missing',
        code: 'KAFKA_PRODUCE_FAILED',
      });
      expect(kafka.sendBatchCalls.flatMap((call) => call.topicMessages?.map(({ topic }) => topic))).toEqual([TOPIC]);
    });

    it('should find a topic created after it was reported missing once the unknown-topic memory expires', async () => {
      const producer = create({ unknownTopicMaxAgeMs: 1_000 });

      const missing = producer.send(record('a', 1, 'opal.late')).catch((reason: unknown) => reason);
      await settle(5);
      expect(await missing).toBeInstanceOf(KafkaUnknownTopicError);
      kafka.topics.set('opal.late', 3);
      const stillMissing = producer.send(record('a', 2, 'opal.late')).catch((reason: unknown) => reason);
      await settle(5);
      expect(await stillMissing).toBeInstanceOf(KafkaUnknownTopicError);

      await settle(1_000);
      const found = producer.send(record('a', 3, 'opal.late'));
      await settle(5);
      await expect(found).resolves.toMatchObject({ topic: 'opal.late' });
    });

    it('should fetch a topic’s partitions once and reuse them for later batches', async () => {
      const producer = create();

      for (let seq = 0; seq < 3; seq++) {
        const sent = producer.send(record('a', seq));
        await settle(5);
        await sent;
      }

      expect(kafka.admins[0]?.fetches).toEqual([[TOPIC]]);
    });

    it('should reject with KafkaUnavailableError at deliveryTimeoutMs when Kafka does not answer, and move on', async () => {
      const producer = create({ deliveryTimeoutMs: 1_000 });
      const never = deferred<RecordMetadata[]>();
      kafka.sendBatchBehaviours.push(() => never.promise);

      const stuck = producer.send(record('a', 1)).catch((reason: unknown) => reason);
      await settle(500);
      const queued = producer.send(record('b', 2)).catch((reason: unknown) => reason);
      await settle(500);

      expect(await stuck).toBeInstanceOf(KafkaUnavailableError);
      expect(await stuck).toMatchObject({ message: 'Kafka did not acknowledge the record within 1000 ms' });
      await settle(5);
      expect(await queued).toMatchObject({ topic: TOPIC, partition: expect.any(Number) });
      expect(kafka.producers).toHaveLength(2);
      never.reject(new Error('gave up'));
    });

    it('should reject a malformed record at once', async () => {
      const producer = create();

      await expect(producer.send({ ...record('a'), value: 'text' as unknown as Buffer })).rejects.toThrow(
        KafkaProduceError,
      );
      await expect(producer.send({ ...record('a'), headers: { n: 1 as unknown as string } })).rejects.toThrow(
        'header "n" must be a string',
      );
    });

    it('should report each record once to onProduced, and ignore a throwing hook', async () => {
      const reports: Array<[string, ProduceResult, number]> = [];
      const producer = create({
        // The reported time runs from send to acknowledgement, so it includes the linger.
        lingerMs: 5,
        onProduced: (topic, result, seconds) => {
          reports.push([topic, result, seconds]);
          throw new Error('metrics backend down');
        },
      });

      const outcomes = Promise.allSettled([
        producer.send(record('a', 1)),
        producer.send(record('b', 2, 'opal.missing')),
      ]);
      await settle(5);
      await outcomes;

      expect(reports).toEqual([
        ['opal.missing', 'failure', expect.any(Number)],
        [TOPIC, 'success', expect.any(Number)],
      ]);
      expect(reports[1]?.[2]).toBeGreaterThanOrEqual(0.005);
    });
  });

  describe('connect', () => {
    it('should connect the producer and the admin once', async () => {
      const producer = create();

      await producer.connect();
      await producer.connect();

      expect(kafka.producers).toHaveLength(1);
      expect(kafka.producers[0]?.connected).toBe(true);
    });

    it('should throw KafkaUnavailableError when the cluster cannot be reached', async () => {
      kafka.connectFailures.push(connectionRefusedError(), connectionRefusedError());
      const producer = create();

      await expect(producer.connect()).rejects.toBeInstanceOf(KafkaUnavailableError);
      await expect(producer.connect()).resolves.toBeUndefined();
    });
  });

  describe('disconnect', () => {
    it('should flush the queued records before closing the connections', async () => {
      const producer = create({ lingerMs: 60_000 });
      const sends = Array.from({ length: 5 }, (_, seq) => producer.send(record(`k${seq}`, seq)));

      const closed = producer.disconnect();
      await settle();
      await closed;

      await expect(Promise.all(sends)).resolves.toHaveLength(5);
      expect(kafka.sendBatchCalls).toHaveLength(1);
      expect(kafka.producers[0]?.disconnectCalls).toBe(1);
      expect(kafka.admins[0]?.disconnectCalls).toBe(1);
    });

    it('should wait for a flush in flight, then refuse new records with KafkaUnavailableError', async () => {
      const producer = create();
      const held = deferred<RecordMetadata[]>();
      kafka.sendBatchBehaviours.push(async (batch, append) => {
        await held.promise;
        return append(batch);
      });
      const inFlight = producer.send(record('a'));
      await settle(5);

      const closed = producer.disconnect();
      await expect(producer.send(record('b'))).rejects.toBeInstanceOf(KafkaUnavailableError);
      held.resolve([]);
      await closed;

      await expect(inFlight).resolves.toMatchObject({ offset: '0' });
    });
  });
});
