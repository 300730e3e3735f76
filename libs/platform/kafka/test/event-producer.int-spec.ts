import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { CompressionCodecs, CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, KafkaConfig } from 'kafkajs';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { EventProducer, KafkaUnavailableError, KafkaUnknownTopicError } from '../src';
import type { EventRecord, RecordPosition } from '../src';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const [brokerHost, brokerPort] = (brokers[0] as string).split(':') as [string, string];
const runPrefix = `it.${Date.now().toString(36)}-${process.pid}`;
const kafkaConfig: KafkaConfig = { clientId: 'event-producer-it', brokers, logLevel: logLevel.NOTHING };
const STACK_SCRIPT = path.resolve(__dirname, '../../../../tools/local-stack/stack.sh');

/** The values of `count` records of partition 0 of `topic`, as another client reads them. */
function readWith(client: 'kcat' | 'java', topic: string, count: number): string[] {
  const [command, args] =
    client === 'kcat'
      ? ['kcat', ['-C', '-b', brokers[0] as string, '-t', topic, '-p', '0', '-o', 'beginning', '-c', String(count), '-e', '-q', '-f', '%s\\n']]
      : [
          'bash',
          [
            STACK_SCRIPT,
            'kafka-tool',
            'org.apache.kafka.tools.consumer.ConsoleConsumer',
            ...['--bootstrap-server', brokers.join(','), '--topic', topic, '--partition', '0', '--offset', 'earliest'],
            ...['--max-messages', String(count), '--timeout-ms', '30000'],
          ],
        ];
  const output = execFileSync(command, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return output.trim().split('\n');
}

interface Consumed {
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads `count` records of `topic` from the beginning, with a consumer group of its own. */
async function consume(kafka: Kafka, topic: string, count: number): Promise<Consumed[]> {
  const consumer = kafka.consumer({ groupId: `${topic}.reader`, allowAutoTopicCreation: false });
  const received: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${received.length} of ${count} records of ${topic}`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            offset: message.offset,
            key: message.key?.toString(),
            value: message.value,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
            ),
          });
          if (received.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a TCP server on `port`; `onSocket` decides what happens to each connection. */
async function listen(
  port: number,
  onSocket: (socket: Socket) => void,
): Promise<{ server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, sockets };
}

async function stop({ server, sockets }: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function recordFor(topic: string, key: string, seq: number): EventRecord {
  return {
    topic,
    key,
    value: Buffer.from(JSON.stringify({ key, seq, padding: 'x'.repeat(seq % 50) })),
    headers: { event_type: 'workflow.started', event_id: `${runPrefix}-${seq}`, seq: String(seq) },
  };
}

describe(EventProducer.name, () => {
  const kafka = new Kafka(kafkaConfig);
  let admin: Admin;

  async function createTopic(name: string): Promise<string> {
    const topic = `${runPrefix}.${name}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    return topic;
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(`${runPrefix}.`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  describe('send', () => {
    it('should batch 300 concurrent sends and tell each caller the exact partition and offset of its record', async () => {
      const topic = await createTopic('concurrent');
      const producer = new EventProducer({ kafka: kafkaConfig });
      const records = Array.from({ length: 300 }, (_, seq) => recordFor(topic, `workflow-${seq % 37}`, seq));

      const positions = await Promise.all(records.map((record) => producer.send(record)));
      const { batches, batchedRecords, failedBatches } = producer.stats();
      await producer.disconnect();

      process.stdout.write(`300 concurrent sends → ${batches} sendBatch call(s)\n`);
      expect(batches).toBeLessThanOrEqual(10);
      expect(batchedRecords).toBe(300);
      expect(failedBatches).toBe(0);
      expect(new Set(positions.map(({ partition, offset }) => `${partition}:${offset}`)).size).toBe(300);

      const consumed = await consume(kafka, topic, 300);
      const stored = new Map(consumed.map((message) => [`${message.partition}:${message.offset}`, message]));
      records.forEach((record, seq) => {
        const { partition, offset } = positions[seq] as RecordPosition;
        const message = stored.get(`${partition}:${offset}`);
        expect(message).toEqual({ partition, offset, key: record.key, value: record.value, headers: record.headers });
      });
    });

    it('should write Snappy batches that kafkajs, librdkafka (kcat) and the Java client all read back', async () => {
      const topic = await createTopic('snappy');
      const registered = CompressionCodecs[CompressionTypes.Snappy];
      if (!registered) throw new Error('importing the lib did not register the Snappy codec');
      let snappyBatchesRead = 0;
      // Counts what the consumer decompresses: kafkajs picks the codec from each batch's attributes.
      CompressionCodecs[CompressionTypes.Snappy] = () => {
        const codec = registered();
        return { ...codec, decompress: (buffer: Buffer) => ((snappyBatchesRead += 1), codec.decompress(buffer)) };
      };
      try {
        const producer = new EventProducer({ kafka: kafkaConfig });
        const records = Array.from({ length: 50 }, (_, seq) => ({ ...recordFor(topic, 'one-key', seq), partition: 0 }));
        await Promise.all(records.map((record) => producer.send(record)));
        await producer.disconnect();
        const values = records.map((record) => record.value.toString());

        const consumed = await consume(kafka, topic, 50);

        expect(snappyBatchesRead).toBeGreaterThan(0);
        expect(consumed.map((message) => message.value?.toString())).toEqual(values);
        expect(readWith('kcat', topic, 50)).toEqual(values);
        expect(readWith('java', topic, 50)).toEqual(values);
      } finally {
        CompressionCodecs[CompressionTypes.Snappy] = registered;
      }
    });

    it('should put each key on the partition kafkajs would pick and keep one key in send order', async () => {
      const topic = await createTopic('ordering');
      const producer = new EventProducer({ kafka: kafkaConfig, lingerMs: 2, maxBatchSize: 25 });
      const records = Array.from({ length: 120 }, (_, seq) => recordFor(topic, `user-${seq % 6}`, seq));

      const positions = await Promise.all(records.map((record) => producer.send(record)));
      await producer.disconnect();

      const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await plain.connect();
      for (let k = 0; k < 6; k++) {
        const mine = positions.filter((_, seq) => seq % 6 === k);
        expect(new Set(mine.map(({ partition }) => partition)).size).toBe(1);
        const offsets = mine.map(({ offset }) => BigInt(offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const [reference] = await plain.send({ topic, acks: -1, messages: [{ key: `user-${k}`, value: 'reference' }] });
        expect(reference?.partition).toBe(mine[0]?.partition);
      }
      await plain.disconnect();
    });

    it('should reject only the record whose topic does not exist', async () => {
      const topic = await createTopic('mixed');
      const producer = new EventProducer({ kafka: kafkaConfig, lingerMs: 20 });

      const outcomes = await Promise.allSettled([
        producer.send(recordFor(topic, 'a', 1)),
        producer.send(recordFor(`${runPrefix}.missing`, 'b', 2)),
        producer.send(recordFor(topic, 'c', 3)),
      ]);
      const { batches } = producer.stats();
      await producer.disconnect();

      expect(outcomes.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(KafkaUnknownTopicError);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'KAFKA_PRODUCE_FAILED' });
      expect(batches).toBe(1);
      expect(await admin.listTopics()).not.toContain(`${runPrefix}.missing`);
    });
  });

  describe('when Kafka is unreachable', () => {
    it('should reject with KafkaUnavailableError within the delivery timeout, then recover once the broker is reachable', async () => {
      const topic = await createTopic('recovery');
      const port = await closedPort();
      const deliveryTimeoutMs = 5_000;
      const producer = new EventProducer({
        kafka: { ...kafkaConfig, brokers: [`127.0.0.1:${port}`] },
        deliveryTimeoutMs,
      });

      const startedAt = Date.now();
      const failed = producer.send(recordFor(topic, 'k', 1));
      await expect(failed).rejects.toBeInstanceOf(KafkaUnavailableError);
      await expect(failed).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
      const elapsedMs = Date.now() - startedAt;
      process.stdout.write(`closed port → KafkaUnavailableError after ${elapsedMs} ms\n`);
      expect(elapsedMs).toBeLessThan(deliveryTimeoutMs);

      // The "broker" comes back: a proxy on the same port, bootstrapping the producer to the real broker.
      const proxy = await listen(port, (socket) => {
        const upstream = createConnection(Number(brokerPort), brokerHost);
        upstream.on('error', () => socket.destroy());
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
        socket.pipe(upstream).pipe(socket);
      });
      try {
        await expect(producer.send(recordFor(topic, 'k', 2))).resolves.toMatchObject({ topic, offset: '0' });
      } finally {
        await producer.disconnect();
        await stop(proxy);
      }
    });

    it.each([
      ['its request timeout', { requestTimeoutMs: 1_000, deliveryTimeoutMs: 1_500 }],
      ['the delivery timeout', { requestTimeoutMs: 5_000, deliveryTimeoutMs: 1_000 }],
    ])('should give up on a broker that accepts connections but never answers, by %s', async (_, timeouts) => {
      const blackhole = await listen(0, () => undefined);
      const { port } = blackhole.server.address() as AddressInfo;
      const producer = new EventProducer({ kafka: { ...kafkaConfig, brokers: [`127.0.0.1:${port}`] }, ...timeouts });

      const startedAt = Date.now();
      try {
        await expect(producer.send(recordFor(`${runPrefix}.any`, 'k', 1))).rejects.toBeInstanceOf(
          KafkaUnavailableError,
        );
        const elapsedMs = Date.now() - startedAt;
        process.stdout.write(
          `silent broker ${JSON.stringify(timeouts)} → KafkaUnavailableError after ${elapsedMs} ms\n`,
        );
        expect(elapsedMs).toBeLessThan(timeouts.deliveryTimeoutMs + 250);
      } finally {
        await producer.disconnect();
        await stop(blackhole);
      }
    });
  });

  describe('disconnect', () => {
    it('should flush the records still queued before closing, then refuse new ones', async () => {
      const topic = await createTopic('shutdown');
      const producer = new EventProducer({ kafka: kafkaConfig, lingerMs: 60_000, maxBatchSize: 1_000 });
      const sends = Array.from({ length: 50 }, (_, seq) => producer.send(recordFor(topic, `k-${seq % 5}`, seq)));
      expect(producer.stats()).toMatchObject({ batches: 0, queued: 50 });

      await producer.disconnect();

      const positions = await Promise.all(sends);
      expect(producer.stats()).toMatchObject({ batches: 1, queued: 0 });
      await expect(producer.send(recordFor(topic, 'late', 99))).rejects.toBeInstanceOf(KafkaUnavailableError);
      const consumed = await consume(kafka, topic, 50);
      expect(new Set(consumed.map(({ partition, offset }) => `${partition}:${offset}`))).toEqual(
        new Set(positions.map(({ partition, offset }) => `${partition}:${offset}`)),
      );
    });
  });
});
