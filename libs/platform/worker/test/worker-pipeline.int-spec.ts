import { randomUUID } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { Kafka, type Admin, type Consumer, type Producer } from 'kafkajs';
import {
  LOCAL_STACK_DEFAULTS,
  parseEnv,
  platformSchema,
  toPlatformConfig,
  toWorkerConfig,
  workerEnv,
} from '@opal/platform-config';
import { headersAsStrings } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { WorkerPlatformModule, bootstrapWorker } from '../src';
import { eventually, freePort, prometheusSample as sample } from '@opal/platform-runtime/testing';
import {
  PROBE_SCHEMA,
  KeyGroupLedger,
  ProbeLedger,
  keyGroupProbeModule,
  orderKey,
  probeModule,
  type ProbeEvent,
} from './support/pipeline-probe';
import { TcpProxy } from './support/tcp-proxy';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
const redisPort = Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort);

const run = randomUUID().slice(0, 8);
const TOPIC = `test.pipeline.${run}`;
const DLQ = `${TOPIC}.dlq`;
const GROUP = `test-pipeline-${run}`;
/** A topic whose handler takes key groups (`KeyGroupPattern`), as the workers' handlers do. */
const GROUPED_TOPIC = `test.pipeline-groups.${run}`;
const GROUPED_PREFIX = `test:pipeline-groups:${run}`;
const MAX_ATTEMPTS = 3;
const STALL_TIMEOUT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface DeadLetter {
  key: string | null;
  value: Buffer | null;
  partition: number;
  headers: Record<string, string>;
}

describe('worker pipeline: OpalKafkaServer in a Nest app (real Kafka, registry, Redis)', () => {
  const kafka = new Kafka({ clientId: 'pipeline-test', brokers, logLevel: 0 });
  const registry = new SchemaRegistryClient({ url: registryUrl });
  const redisProxy = new TcpProxy(redisPort);
  const deadLetters: DeadLetter[] = [];
  let admin: Admin;
  let producer: Producer;
  let dlqReader: Consumer;
  let app: NestFastifyApplication;
  let ledger: ProbeLedger;
  let groupLedger: KeyGroupLedger;
  let redisDirect: Redis;
  let seq = 0;

  const send = async (
    behavior: string,
    options: { key?: string; eventId?: string; headers?: Record<string, string> } = {},
  ) => {
    seq += 1;
    const event: ProbeEvent = { event_id: options.eventId ?? `evt-${run}-${seq}`, behavior, seq };
    const value = await registry.encode(`${TOPIC}-value`, event);
    await producer.send({
      topic: TOPIC,
      messages: [
        { key: options.key ?? `key-${seq}`, value, headers: { event_id: event.event_id, ...options.headers } },
      ],
    });
    return event;
  };
  const sendRaw = async (key: string, value: Buffer) =>
    producer.send({ topic: TOPIC, messages: [{ key, value, headers: { event_id: `raw-${key}` } }] });
  const metrics = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const health = async (probe: 'live' | 'ready') => {
    const response = await app.inject({ method: 'GET', url: `/health/${probe}` });
    return { status: response.statusCode, body: response.json<{ error?: Record<string, { message?: string }> }>() };
  };
  const consumed = async (outcome: string) =>
    sample(await metrics(), 'opal_events_consumed_total', { topic: TOPIC, group: GROUP, outcome });
  const lettersFor = (eventIdOrKey: string) =>
    deadLetters.filter((letter) => letter.headers['event_id'] === eventIdOrKey || letter.key === eventIdOrKey);

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [TOPIC, DLQ, GROUPED_TOPIC, `${GROUPED_TOPIC}.dlq`].map((topic) => ({ topic, numPartitions: 3 })),
    });
    for (const topic of [TOPIC, GROUPED_TOPIC])
      await registry.ensureSubject(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(PROBE_SCHEMA) });
    redisDirect = new Redis({ port: redisPort, lazyConnect: false });
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    dlqReader = kafka.consumer({ groupId: `${GROUP}-dlq-reader` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: DLQ, fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message, partition }) => {
        deadLetters.push({
          key: message.key?.toString() ?? null,
          value: message.value,
          partition,
          headers: headersAsStrings(message.headers),
        });
      },
    });

    const env = {
      REDIS_PORT: String(await redisProxy.start()),
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      RETRY_BASE_DELAY_MS: '20',
      RETRY_MAX_DELAY_MS: '100',
      CIRCUIT_BREAKER_RESET_MS: '500',
      IDEMPOTENCY_LEASE_MS: '3000',
      CONSUMER_LAG_INTERVAL_MS: '500',
      CONSUMER_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS),
      LOG_LEVEL: 'warn',
      ...(process.env['KAFKA_BROKERS'] ? { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] } : {}),
      ...(process.env['SCHEMA_REGISTRY_URL'] ? { SCHEMA_REGISTRY_URL: process.env['SCHEMA_REGISTRY_URL'] } : {}),
    };
    const parsed = parseEnv('pipeline-test', platformSchema(3999, workerEnv), env);
    const config = { ...toPlatformConfig(parsed), worker: toWorkerConfig(parsed) };
    const ProbeModule = probeModule(TOPIC);
    const GroupProbeModule = keyGroupProbeModule(GROUPED_TOPIC, GROUPED_PREFIX);

    @Module({
      imports: [
        WorkerPlatformModule.forRoot({ appName: 'pipeline-test', groupId: GROUP, config }),
        ProbeModule,
        GroupProbeModule,
      ],
    })
    class PipelineTestModule {}

    app = await bootstrapWorker(PipelineTestModule, {
      appName: 'pipeline-test',
      http: { host: '127.0.0.1', port: await freePort() },
    });
    ledger = app.get(ProbeLedger);
    groupLedger = app.get(KeyGroupLedger);
    const ready = await eventually(
      async () =>
        (await app.inject({ method: 'GET', url: '/health/ready' })).json() as {
          details?: { consumer?: { status?: string } };
        },
      (body) => body.details?.consumer?.status === 'up',
      60_000,
    );
    expect(ready.details?.consumer?.status).toBe('up');
  });

  afterAll(async () => {
    ledger?.release();
    await app?.close();
    await dlqReader?.disconnect();
    await producer?.disconnect();
    await admin?.deleteGroups([GROUP, `${GROUP}-dlq-reader`]).catch(() => undefined);
    await admin?.deleteTopics({ topics: [TOPIC, DLQ, GROUPED_TOPIC, `${GROUPED_TOPIC}.dlq`] }).catch(() => undefined);
    const groupKeys = await redisDirect?.keys(`${GROUPED_PREFIX}:*`);
    if (groupKeys?.length) await redisDirect.del(...groupKeys);
    await redisDirect?.quit();
    await admin?.disconnect();
    await redisProxy.stop();
  });

  it('should run the handler once per record and commit past it', async () => {
    const events = await Promise.all(Array.from({ length: 6 }, () => send('ok')));

    await eventually(() => events.every((event) => ledger.completed.has(event.event_id)), Boolean);
    expect(events.map((event) => ledger.runsOf(event.event_id))).toEqual([1, 1, 1, 1, 1, 1]);
    const committed = await eventually(async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      const ends = await admin.fetchTopicOffsets(TOPIC);
      // A partition that got no record has nothing to commit (-1).
      return ends.every((end) => {
        const offset = offsets?.partitions.find((p) => p.partition === end.partition)?.offset;
        return offset === end.high || (end.high === '0' && offset === '-1');
      });
    }, Boolean);
    expect(committed).toBe(true);
  });

  it('should skip a redelivered event as a duplicate without running the handler again', async () => {
    const duplicatesBefore = await consumed('duplicate');
    const first = await send('ok');
    await eventually(() => ledger.completed.has(first.event_id), Boolean);
    await send('ok', { eventId: first.event_id, key: 'another-key' });

    expect(
      await eventually(
        () => consumed('duplicate'),
        (count) => count > duplicatesBefore,
      ),
    ).toBe(duplicatesBefore + 1);
    expect(ledger.runsOf(first.event_id)).toBe(1);
  });

  it('should retry a transient failure with backoff until it succeeds, dead-lettering nothing', async () => {
    const event = await send('fail-twice');

    await eventually(() => ledger.completed.has(event.event_id), Boolean);
    expect(ledger.runsOf(event.event_id)).toBe(3);
    await sleep(500);
    expect(lettersFor(event.event_id)).toEqual([]);
  });

  it(`should dead-letter after ${MAX_ATTEMPTS} attempts with the §4 headers, and go on with the partition`, async () => {
    const key = `poison-${run}`;
    const poison = await send('fail-always', {
      key,
      headers: { correlation_id: 'corr-poison', traceparent: '00-abc-def-01' },
    });
    const next = await send('ok', { key });

    await eventually(() => ledger.completed.has(next.event_id), Boolean);
    const [letter] = await eventually(
      () => lettersFor(poison.event_id),
      (letters) => letters.length > 0,
    );
    expect(ledger.runsOf(poison.event_id)).toBe(MAX_ATTEMPTS);
    expect(letter?.key).toBe(key);
    expect(letter?.value && (await registry.decode(letter.value)).value).toEqual(poison);
    expect(letter?.headers).toMatchObject({
      event_id: poison.event_id,
      correlation_id: 'corr-poison',
      traceparent: '00-abc-def-01',
      'x-dlq-original-topic': TOPIC,
      'x-dlq-original-partition': String(letter?.partition),
      'x-dlq-original-offset': expect.stringMatching(/^\d+$/),
      'x-dlq-original-timestamp': expect.stringMatching(/^\d+$/),
      'x-dlq-consumer-group': GROUP,
      'x-dlq-attempts': String(MAX_ATTEMPTS),
      'x-dlq-error-class': 'Error',
      'x-dlq-error-message': expect.stringContaining('failed on run 3'),
      'x-dlq-failed-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('should dead-letter a permanent failure at once', async () => {
    const event = await send('permanent');

    const [letter] = await eventually(
      () => lettersFor(event.event_id),
      (letters) => letters.length > 0,
    );
    expect(ledger.runsOf(event.event_id)).toBe(1);
    expect(letter?.headers).toMatchObject({ 'x-dlq-attempts': '1', 'x-dlq-error-class': 'PermanentProcessingError' });
  });

  it('should dead-letter garbage bytes and unknown schema ids at once, and process what follows on the partition', async () => {
    const key = `garbage-${run}`;
    await sendRaw(key, Buffer.from('not avro at all'));
    await sendRaw(key, Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]));
    const after = await send('ok', { key });

    await eventually(() => ledger.completed.has(after.event_id), Boolean);
    const letters = await eventually(
      () => lettersFor(key),
      (found) => found.length >= 2,
    );
    expect(letters.map((letter) => letter.headers['x-dlq-error-class']).sort()).toEqual([
      'UndecodableMessageError',
      'UnknownSchemaError',
    ]);
    expect(letters.map((letter) => letter.value?.toString('latin1'))).toContain('not avro at all');
  });

  it('should skip a replay addressed to another group and process one addressed to this group', async () => {
    const other = await send('ok', { headers: { 'x-replay-target-group': 'opal-someone-else' } });
    const mine = await send('ok', { headers: { 'x-replay-target-group': GROUP } });

    await eventually(() => ledger.completed.has(mine.event_id), Boolean);
    await eventually(
      () => consumed('skipped'),
      (count) => count >= 1,
    );
    expect(ledger.runsOf(other.event_id)).toBe(0);
  });

  it('should pause while Redis is unreachable — no handler run, no dead letter — and catch up once it is back', async () => {
    const lettersBefore = deadLetters.length;
    await redisProxy.cut();
    let during: ProbeEvent[] = [];
    try {
      during = await Promise.all(Array.from({ length: 5 }, () => send('ok')));
      const state = await eventually(
        async () => sample(await metrics(), 'opal_circuit_breaker_state', { name: 'redis' }),
        (value) => value > 0,
      );
      expect(state).toBeGreaterThan(0);
      // Longer than the stall timeout: lag with no commit, yet a dependency outage is not a stall.
      await sleep(STALL_TIMEOUT_MS + 1500);
      expect(during.map((event) => ledger.runsOf(event.event_id))).toEqual([0, 0, 0, 0, 0]);
      expect(deadLetters.length).toBe(lettersBefore);
      expect((await health('live')).status).toBe(200);
    } finally {
      await redisProxy.restore();
    }

    await eventually(() => during.every((event) => ledger.completed.has(event.event_id)), Boolean, 60_000);
    expect(during.map((event) => ledger.runsOf(event.event_id))).toEqual([1, 1, 1, 1, 1]);
    expect(deadLetters.length).toBe(lettersBefore);
    expect(sample(await metrics(), 'opal_circuit_breaker_state', { name: 'redis' })).toBe(0);
  });

  it('should fail liveness, naming the partition, while a wedged handler holds back lagging records — readiness unaffected — and recover once it returns', async () => {
    await sleep(STALL_TIMEOUT_MS + 1000);
    expect((await health('live')).status).toBe(200); // idle: nothing committed for a while, but no lag

    const key = `wedge-${run}`;
    const errors = jest.spyOn(Logger.prototype, 'error');
    const wedged = await send('wedge', { key });
    const behind = await send('ok', { key });
    const down = await eventually(
      () => health('live'),
      (answer) => answer.status === 503,
      STALL_TIMEOUT_MS + 15_000,
      250,
    );

    expect(down.status).toBe(503);
    expect(down.body.error?.['consumer_progress']?.message).toMatch(
      new RegExp(`^consumer stalled: ${TOPIC.replace(/\./g, '\\.')}\\[\\d\\] lag [1-9]\\d*, no commit for \\d+ s$`),
    );
    expect((await health('ready')).status).toBe(200);
    expect(ledger.runsOf(wedged.event_id)).toBe(1);
    expect(ledger.completed.has(behind.event_id)).toBe(false);
    // The stall line names the step the wedged batch is in: here our handler, not kafkajs' fetching.
    const stallLine = errors.mock.calls.find(([, message]) => String(message).startsWith('consumer stalled'));
    errors.mockRestore();
    expect((stallLine?.[0] as { batches_in_flight?: string[] } | undefined)?.batches_in_flight).toEqual([
      expect.stringMatching(
        new RegExp(`^${TOPIC.replace(/\./g, '\\.')}:\\d processing for \\d+ s \\(\\d+ records?\\)$`),
      ),
    ]);

    ledger.release();
    await eventually(() => ledger.completed.has(behind.event_id), Boolean);
    expect(
      (
        await eventually(
          () => health('live'),
          (answer) => answer.status === 200,
          15_000,
          250,
        )
      ).status,
    ).toBe(200);
    expect(ledger.runsOf(wedged.event_id)).toBe(1);
  });

  describe('a key-group handler', () => {
    /** Sends events with one key in one produce request (one record batch, so one fetch). */
    const sendGroup = async (behaviors: string[]) => {
      const key = `group-${run}-${seq + 1}`;
      const events = behaviors.map((behavior): ProbeEvent => {
        seq += 1;
        return { event_id: `evt-${run}-${seq}`, behavior, seq };
      });
      const values = await Promise.all(events.map((event) => registry.encode(`${GROUPED_TOPIC}-value`, event)));
      await producer.send({
        topic: GROUPED_TOPIC,
        messages: events.map((event, i) => ({
          key,
          value: values[i] as Buffer,
          headers: { event_id: event.event_id },
        })),
      });
      return events;
    };
    const appliedOrder = async (events: ProbeEvent[]) => {
      const seqs = new Set(events.map((event) => event.seq));
      return (await redisDirect.lrange(orderKey(GROUPED_PREFIX), 0, -1)).map(Number).filter((s) => seqs.has(s));
    };
    const groupedConsumed = async (outcome: string) =>
      sample(await metrics(), 'opal_events_consumed_total', { topic: GROUPED_TOPIC, group: GROUP, outcome });

    it("should get one key's records of a batch in one call, in offset order, and apply each once in that order", async () => {
      const processedBefore = await groupedConsumed('processed');
      const events = await sendGroup(Array.from({ length: 20 }, () => 'ok'));

      const order = await eventually(
        () => appliedOrder(events),
        (applied) => applied.length === events.length,
      );

      expect(order).toEqual(events.map((event) => event.seq));
      // The 20 records of one produce request come in one fetch, so at least one call had several.
      expect(groupLedger.calls.some((call) => call.length > 1 && call.every((s) => order.includes(s)))).toBe(true);
      expect(events.map((event) => groupLedger.runs.get(event.event_id))).toEqual(events.map(() => 1));
      expect(
        await eventually(
          () => groupedConsumed('processed'),
          (n) => n >= processedBefore + 20,
        ),
      ).toBe(processedBefore + 20);
    });

    it('should handle the records one at a time after a failed group call: the failing one retried, each applied once, nothing dead-lettered', async () => {
      const duplicatesBefore = await groupedConsumed('duplicate');
      const events = await sendGroup(['ok', 'fail-twice', 'ok', 'ok']);

      const order = await eventually(
        () => appliedOrder(events),
        (applied) => applied.length === events.length,
      );

      // Applied exactly once each; the failing event comes last, after its retries.
      expect([...order].sort((a, b) => a - b)).toEqual(events.map((event) => event.seq));
      expect(order[order.length - 1]).toBe(events[1]?.seq);
      expect(groupLedger.runs.get(events[1]?.event_id as string)).toBe(3);
      // The events the failed call had applied were recognised by their script on the second pass.
      expect(
        await eventually(
          () => groupedConsumed('duplicate'),
          (n) => n >= duplicatesBefore + 3,
        ),
      ).toBe(duplicatesBefore + 3);
      await sleep(300);
      expect(lettersFor(events[1]?.event_id as string)).toEqual([]);
    });
  });

  it('should report the consumer lag of every partition', async () => {
    const text = await eventually(metrics, (body) => body.includes(`opal_consumer_lag{topic="${TOPIC}"`));
    const partitions = [0, 1, 2].map((partition) =>
      sample(text, 'opal_consumer_lag', { topic: TOPIC, partition: String(partition), group: GROUP }),
    );

    expect(partitions.every((lag) => Number.isFinite(lag) && lag >= 0)).toBe(true);
    expect(text).toMatch(
      new RegExp(`opal_consumer_lag\\{topic="${TOPIC.replace(/\./g, '\\.')}",partition="2",group="${GROUP}"\\}`),
    );
  });
});
