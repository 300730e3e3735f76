import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { IDEMPOTENCY_KEY_PREFIX } from '@opal/platform-idempotency';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import {
  describeGroup,
  partitionProgress,
  recordCount,
  type GroupView,
  type PartitionProgress,
} from './support/consumer-group.inspect';
import { eventually } from '@opal/platform-runtime/testing';
import { FaultLedger, type LedgerSnapshot } from './support/fault-ledger';
import { PROBE_SCHEMA, type ProbeEvent } from './support/pipeline-probe';
import { ProbeWorkerProcess } from './support/probe-worker.process';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
const redisHost = process.env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost;
const redisPort = Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort);

const run = randomUUID().slice(0, 8);
const SUBJECT = `test.process-faults.${run}-value`;
// Short, so a claim left by a killed worker frees itself long before the group hands its partitions on.
const LEASE_MS = 2_000;
// Records of one partition in flight at once (records of one key stay sequential); a worker that
// consumes a partition strictly one record at a time keeps under this bound too.
const RECORDS_CONCURRENCY = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProducedEvent {
  eventId: string;
  partition: number;
  offset: bigint;
}

/** One test's own topic (+ DLQ), consumer group and ledger. */
interface Scenario {
  topic: string;
  dlq: string;
  group: string;
  partitions: number;
  ledgerPrefix: string;
  ledger: FaultLedger;
}

const sorted = (ids: Iterable<string>) => [...ids].sort();
const idsOf = (events: ProducedEvent[]) => sorted(events.map((event) => event.eventId));
const pidsOf = (snapshot: LedgerSnapshot, eventId: string) =>
  snapshot.invocations.filter((invocation) => invocation.eventId === eventId).map((invocation) => invocation.pid);
const atEnd = (progress: PartitionProgress[]) =>
  progress.every((p) => p.committed === p.end || (p.end === 0n && p.committed === -1n));

describe('worker processes under SIGKILL, rebalance and SIGTERM (real Kafka, registry, Redis)', () => {
  const kafka = new Kafka({ clientId: `process-faults-${run}`, brokers, logLevel: logLevel.NOTHING });
  const registry = new SchemaRegistryClient({ url: registryUrl });
  const redis = new Redis({ host: redisHost, port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 });
  const scenarios: Scenario[] = [];
  const streams: Array<{ stop(): Promise<unknown> }> = [];
  let admin: Admin;
  let producer: Producer;
  let seq = 0;

  async function scenario(name: string, partitions: number): Promise<Scenario> {
    const topic = `test.faults.${name}.${run}`;
    const ledgerPrefix = `test:process-faults:${run}:${name}`;
    const created: Scenario = {
      topic,
      dlq: `${topic}.dlq`,
      group: `test-faults-${name}-${run}`,
      partitions,
      ledgerPrefix,
      ledger: new FaultLedger(redis, ledgerPrefix),
    };
    scenarios.push(created);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: created.topic, numPartitions: partitions },
        { topic: created.dlq, numPartitions: partitions },
      ],
    });
    return created;
  }

  /** The probe worker's environment for a scenario; `extra` sets the knobs of one process. */
  function workerEnv(target: Scenario, extra: Record<string, string> = {}): Record<string, string> {
    return {
      TOPIC: target.topic,
      GROUP: target.group,
      LEDGER_PREFIX: target.ledgerPrefix,
      MAX_ATTEMPTS: '3',
      RETRY_BASE_DELAY_MS: '20',
      RETRY_MAX_DELAY_MS: '100',
      IDEMPOTENCY_LEASE_MS: String(LEASE_MS),
      CONSUMER_LAG_INTERVAL_MS: '1000',
      CONSUMER_PARTITIONS_CONCURRENCY: String(target.partitions),
      CONSUMER_RECORDS_CONCURRENCY: String(RECORDS_CONCURRENCY),
      ...extra,
    };
  }

  /**
   * `count` events, spread round-robin over the partitions (explicit, so the spread does not depend
   * on key hashing); each has its own key unless `keyOf` says otherwise.
   */
  async function produce(
    target: Scenario,
    count: number,
    keyOf: (eventSeq: number, partition: number) => string = (eventSeq) => `key-${eventSeq}`,
  ): Promise<ProducedEvent[]> {
    const messages = await Promise.all(
      Array.from({ length: count }, async () => {
        seq += 1;
        const event: ProbeEvent = { event_id: `evt-${run}-${seq}`, behavior: 'ok', seq };
        const partition = seq % target.partitions;
        return {
          partition,
          key: keyOf(seq, partition),
          value: await registry.encode(SUBJECT, event),
          headers: { event_id: event.event_id },
        };
      }),
    );
    const written = await producer.send({ topic: target.topic, messages });
    // Within a send, a partition's messages keep their order from its base offset.
    const next = new Map(written.map((meta) => [meta.partition, BigInt(meta.baseOffset ?? '0')]));
    return messages.map((message) => {
      const offset = next.get(message.partition) ?? 0n;
      next.set(message.partition, offset + 1n);
      return { eventId: message.headers.event_id, partition: message.partition, offset };
    });
  }

  /** Producing one event every `everyMs` until stopped (at most `max`), like live traffic. */
  function produceSteadily(target: Scenario, everyMs: number, max: number) {
    const events: ProducedEvent[] = [];
    let stopped = false;
    const loop = (async () => {
      while (!stopped && events.length < max) {
        events.push(...(await produce(target, 1)));
        await sleep(everyMs);
      }
    })();
    const stream = {
      events,
      stop: async () => {
        stopped = true;
        await loop;
        return [...events];
      },
    };
    streams.push(stream);
    return stream;
  }

  /** Event ids whose idempotency record in the group's scope is claimed and not done. */
  async function inFlightClaims(group: string): Promise<string[]> {
    const prefix = `${IDEMPOTENCY_KEY_PREFIX}:${group}:`;
    const keys = await scanKeys(`${prefix}*`);
    const states = await Promise.all(keys.map((key) => redis.hget(key, 'state')));
    return sorted(keys.filter((_, i) => states[i] === 'in-flight').map((key) => key.slice(prefix.length)));
  }

  async function scanKeys(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [nextCursor, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = nextCursor;
    } while (cursor !== '0');
    return keys;
  }

  const committedAtEnd = (target: Scenario) =>
    eventually(() => partitionProgress(admin, target.group, target.topic), atEnd, 30_000, 250);

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await redis.connect();
    await registry.ensureSubject(SUBJECT, { schemaType: 'AVRO', schema: JSON.stringify(PROBE_SCHEMA) });
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await ProbeWorkerProcess.killAll();
    await Promise.all(streams.map((stream) => stream.stop().catch(() => undefined)));
    await producer?.disconnect();
    for (const target of scenarios) {
      await target.ledger.clear().catch(() => undefined);
      const claims = await scanKeys(`${IDEMPOTENCY_KEY_PREFIX}:${target.group}:*`).catch(() => []);
      if (claims.length > 0) await redis.del(...claims).catch(() => undefined);
    }
    await admin?.deleteGroups(scenarios.map((target) => target.group)).catch(() => undefined);
    await admin
      ?.deleteTopics({ topics: scenarios.flatMap((target) => [target.topic, target.dlq]) })
      .catch(() => undefined);
    await admin?.disconnect();
    await redis.quit().catch(() => undefined);
    for (const query of ['', '?permanent=true'])
      await fetch(`${registryUrl}/subjects/${encodeURIComponent(SUBJECT)}${query}`, { method: 'DELETE' }).catch(
        () => undefined,
      );
  });

  it('should process every event exactly once when a worker is SIGKILLed mid-batch and another one takes over', async () => {
    const EVENTS = 400;
    const DELAY_MS = 40;
    const target = await scenario('sigkill', 3);
    const produced = await produce(target, EVENTS);
    const env = workerEnv(target, { HANDLE_DELAY_MS: String(DELAY_MS) });

    const a = await ProbeWorkerProcess.start(`probe-a-${run}`, env);
    // Kill once most is done (past the commit every 100 records, mid-batch), at a moment some handler
    // started less than half a delay ago: it is still between "started" and its effect when the signal lands.
    const killable = await eventually(
      async () =>
        (await target.ledger.effectCount()) >= EVENTS * 0.8 &&
        (await target.ledger.inFlightSince(Date.now() - DELAY_MS / 2)).length > 0,
      Boolean,
      30_000,
      5,
    );
    expect(killable).toBe(true);
    const exitA = await a.kill('SIGKILL');
    // Right after the kill, before any lease (2 s) could expire: A's claims still held are exactly the
    // records it had in hand: in its handler, or claimed with the handler not yet started, or applied
    // with the claim not yet marked done.
    const claimsAtKill = await inFlightClaims(target.group);
    const atKill = await target.ledger.snapshot();
    const startedByA = new Set(atKill.invocations.filter((i) => i.pid === a.pid).map((i) => i.eventId));
    const progressAtKill = await partitionProgress(admin, target.group, target.topic);

    expect(exitA.signal).toBe('SIGKILL');
    expect(atKill.effects.size).toBeGreaterThan(0);
    expect(atKill.effects.size).toBeLessThan(EVENTS);
    // Mid-work: at least one handler started without its effect, within what A was consuming at once.
    expect(atKill.inFlight.size).toBeGreaterThanOrEqual(1);
    expect(claimsAtKill.length).toBeLessThanOrEqual(target.partitions * RECORDS_CONCURRENCY);
    expect(sorted(atKill.inFlight.keys()).every((id) => claimsAtKill.includes(id))).toBe(true);
    expect(progressAtKill.some((p) => p.committed < p.end)).toBe(true);
    // Nothing was committed ahead of its effect.
    const committedAtKill = (partition: number) =>
      progressAtKill.find((p) => p.partition === partition)?.committed ?? -1n;
    expect(
      produced.filter((event) => event.offset < committedAtKill(event.partition) && !atKill.effects.has(event.eventId)),
    ).toEqual([]);

    // B waits for A's session to time out before the group hands it the partitions.
    const b = await ProbeWorkerProcess.start(`probe-b-${run}`, env, 90_000);
    const effected = await eventually(
      () => target.ledger.effectCount(),
      (count) => count >= EVENTS,
      60_000,
      250,
    );
    const final = await target.ledger.snapshot();
    const progress = await committedAtEnd(target);
    const reRun = sorted([...final.runs].filter(([, runs]) => runs > 1).map(([id]) => id));
    console.info(
      `SIGKILL: killed with ${atKill.effects.size}/${EVENTS} effects, ${atKill.inFlight.size} handler(s) mid-delay, ` +
        `${claimsAtKill.length} claim(s) held (${claimsAtKill.filter((id) => !startedByA.has(id)).length} not started), committed ${progressAtKill.map((p) => `${p.partition}:${p.committed}/${p.end}`).join(' ')}; ` +
        `${reRun.length} re-run(s); B took ${final.invocations.filter((i) => i.pid === b.pid).length} invocations`,
    );

    expect(effected).toBe(EVENTS);
    // None lost, none unknown, each applied once.
    expect(sorted(final.effects.keys())).toEqual(idsOf(produced));
    expect(new Set(final.invocations.map((invocation) => invocation.pid))).toEqual(new Set([a.pid, b.pid]));
    // B ran every record A held a claim on when it died; the re-runs are exactly those A had started.
    expect(reRun).toEqual(claimsAtKill.filter((id) => startedByA.has(id)));
    for (const id of claimsAtKill) expect(pidsOf(final, id)).toEqual(startedByA.has(id) ? [a.pid, b.pid] : [b.pid]);
    for (const id of atKill.inFlight.keys()) expect(final.effects.get(id)).toBe(b.pid);
    // Every other record ran once, by whoever had it, and reached its effect once.
    const ranOnce = idsOf(produced).filter((id) => !reRun.includes(id));
    expect(ranOnce.filter((id) => final.runs.get(id) !== 1 || final.finished.get(id) !== 1)).toEqual([]);
    expect(await recordCount(admin, target.dlq)).toBe(0);
    expect(progress.every((p) => p.committed === p.end)).toBe(true);

    await b.kill('SIGTERM');
  });

  it('should split the partitions between two instances and lose or double nothing when they rebalance', async () => {
    const target = await scenario('rebalance', 6);
    const env = workerEnv(target, { HANDLE_DELAY_MS: '5', CONSUMER_PARTITIONS_CONCURRENCY: '3' });
    const a = await ProbeWorkerProcess.start(`probe-a-${run}`, env);
    const stream = produceSteadily(target, 15, 2_000);
    await eventually(
      () => target.ledger.effectCount(),
      (count) => count >= 30,
    );

    const b = await ProbeWorkerProcess.start(`probe-b-${run}`, env);
    const shared = await eventually(
      () => describeGroup(admin, target.group, target.topic),
      (group) =>
        group.state === 'Stable' &&
        group.members.length === 2 &&
        group.members.every((member) => member.partitions.length > 0),
    );
    const byClient = (group: GroupView, clientId: string) =>
      group.members.find((member) => member.clientId === clientId)?.partitions ?? [];
    const ofA = byClient(shared, a.name);
    const ofB = byClient(shared, b.name);
    expect(shared.members.map((member) => member.clientId).sort()).toEqual([a.name, b.name].sort());
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofB.length).toBeGreaterThan(0);
    expect(ofA.filter((partition) => ofB.includes(partition))).toEqual([]);
    expect([...ofA, ...ofB].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
    // Both work while the stream goes on.
    const bothWorking = await eventually(
      () => target.ledger.snapshot(),
      (snapshot) =>
        [a.pid, b.pid].every((pid) => snapshot.invocations.slice(-60).some((invocation) => invocation.pid === pid)),
    );
    expect(new Set(bothWorking.invocations.slice(-60).map((invocation) => invocation.pid))).toEqual(
      new Set([a.pid, b.pid]),
    );
    const duplicatesOfA = await a.metric('opal_events_consumed_total', { topic: target.topic, outcome: 'duplicate' });

    const exitA = await a.kill('SIGTERM');
    const alone = await eventually(
      () => describeGroup(admin, target.group, target.topic),
      (group) => group.state === 'Stable' && group.members.length === 1 && group.members[0]?.partitions.length === 6,
    );
    expect(alone.members.map((member) => [member.clientId, member.partitions])).toEqual([[b.name, [0, 1, 2, 3, 4, 5]]]);
    const producedBeforeStop = stream.events.length;
    await eventually(
      () => stream.events.length,
      (count) => count >= producedBeforeStop + 30,
    );
    const produced = await stream.stop();

    await eventually(
      () => target.ledger.effectCount(),
      (count) => count >= produced.length,
      60_000,
      250,
    );
    const final = await target.ledger.snapshot();
    const progress = await committedAtEnd(target);
    const duplicatesOfB = await b.metric('opal_events_consumed_total', { topic: target.topic, outcome: 'duplicate' });
    console.info(
      `rebalance: ${produced.length} events; A ran ${final.invocations.filter((i) => i.pid === a.pid).length}, ` +
        `B ran ${final.invocations.filter((i) => i.pid === b.pid).length}; split A=[${ofA.join(',')}] B=[${ofB.join(',')}]; ` +
        `redelivered duplicates skipped: A ≥ ${duplicatesOfA} (before its SIGTERM), B ${duplicatesOfB}; A exited ${JSON.stringify(exitA)}`,
    );

    // A graceful exit: Nest closes the app, then re-raises SIGTERM; the watchdog's exit code 1 would mean it hung.
    expect(exitA).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(sorted(final.effects.keys())).toEqual(idsOf(produced));
    // A rebalance can hand a partition on with records processed but not yet committed (kafkajs
    // raises the rebalance from the heartbeat inside the batch, before its commit), so records can
    // be delivered twice (the duplicates counted above). The idempotency claim turns every second
    // delivery into a skipped duplicate, so the handler itself runs exactly once per event.
    expect(idsOf(produced).filter((id) => final.runs.get(id) !== 1 || final.finished.get(id) !== 1)).toEqual([]);
    expect(final.invocations.length).toBe(produced.length);
    expect(await recordCount(admin, target.dlq)).toBe(0);
    expect(progress.every((p) => p.committed === p.end)).toBe(true);

    await b.kill('SIGTERM');
  });

  describe('graceful shutdown on SIGTERM', () => {
    it('should finish the record in hand, commit it, leave the group and exit, so a restarted worker does not run it again', async () => {
      const SHUTDOWN_TIMEOUT_MS = 8_000;
      const target = await scenario('sigterm', 3);
      // One key per partition: its second record cannot start before its first is done.
      const produced = await produce(target, 6, (_seq, partition) => `workflow-${run}-${partition}`);
      const a = await ProbeWorkerProcess.start(
        `probe-a-${run}`,
        // The lease outlasts the handler, as it must in production.
        workerEnv(target, {
          HANDLE_DELAY_MS: '1500',
          SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
          IDEMPOTENCY_LEASE_MS: '5000',
        }),
      );
      const inHand = await eventually(
        () => target.ledger.inFlightSince(0),
        (ids) => ids.length > 0,
        30_000,
        10,
      );
      expect(inHand.length).toBeGreaterThan(0);

      const exitA = await a.kill('SIGTERM');
      const afterExit = await target.ledger.snapshot();
      const progress = await partitionProgress(admin, target.group, target.topic);
      const group = await describeGroup(admin, target.group, target.topic);
      console.info(`SIGTERM with ${inHand.length} handler(s) in flight: exited ${JSON.stringify(exitA)}`);

      expect(exitA).toMatchObject({ code: null, signal: 'SIGTERM' });
      expect(exitA.afterSignalMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
      // Finished, not abandoned: every record A started has its effect, and nothing is left mid-way.
      for (const id of inHand) expect(afterExit.effects.get(id)).toBe(a.pid);
      expect(afterExit.inFlight.size).toBe(0);
      expect(await inFlightClaims(target.group)).toEqual([]);
      // Stopped fetching: the records after those in hand were not started.
      expect(afterExit.invocations.length).toBeLessThan(produced.length);
      // Committed exactly what it finished: a record is below its partition's committed offset iff A applied it.
      const committedOf = (partition: number) => progress.find((p) => p.partition === partition)?.committed ?? -1n;
      expect(
        produced.filter(
          (event) => afterExit.effects.has(event.eventId) !== event.offset < committedOf(event.partition),
        ),
      ).toEqual([]);
      expect(group.members).toEqual([]);

      const b = await ProbeWorkerProcess.start(`probe-b-${run}`, workerEnv(target, { HANDLE_DELAY_MS: '10' }));
      await eventually(
        () => target.ledger.effectCount(),
        (count) => count >= produced.length,
      );
      const final = await target.ledger.snapshot();
      await committedAtEnd(target);

      expect(sorted(final.effects.keys())).toEqual(idsOf(produced));
      for (const id of inHand) expect(pidsOf(final, id)).toEqual([a.pid]);
      expect(idsOf(produced).filter((id) => final.runs.get(id) !== 1)).toEqual([]);
      // Committed, so not even delivered again: B met no duplicate.
      expect(await b.metric('opal_events_consumed_total', { topic: target.topic, outcome: 'duplicate' })).toBe(0);
      expect(await recordCount(admin, target.dlq)).toBe(0);

      await b.kill('SIGTERM');
    });

    it('should still exit when the record in hand outlasts SHUTDOWN_TIMEOUT_MS, leave it uncommitted, and a restarted worker applies it once', async () => {
      const SHUTDOWN_TIMEOUT_MS = 3_000;
      const target = await scenario('sigterm-overrun', 3);
      const produced = await produce(target, 3);
      const a = await ProbeWorkerProcess.start(
        `probe-a-${run}`,
        workerEnv(target, { HANDLE_DELAY_MS: '20000', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }),
      );
      await eventually(
        () => target.ledger.inFlightSince(0),
        (ids) => ids.length === produced.length,
        30_000,
        10,
      );

      const exitA = await a.kill('SIGTERM');
      const afterExit = await target.ledger.snapshot();
      const progress = await partitionProgress(admin, target.group, target.topic);
      console.info(
        `SIGTERM with handlers longer than SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}: exited ${JSON.stringify(exitA)}`,
      );

      // The SIGTERM watchdog's exit: the close could not finish in time.
      expect(exitA.code).toBe(1);
      expect(exitA.afterSignalMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
      expect(afterExit.effects.size).toBe(0);
      expect(progress.map((p) => p.committed)).toEqual([-1n, -1n, -1n]);

      // After A's lease ran out and its session expired, B gets the records again.
      const b = await ProbeWorkerProcess.start(`probe-b-${run}`, workerEnv(target, { HANDLE_DELAY_MS: '10' }), 90_000);
      await eventually(
        () => target.ledger.effectCount(),
        (count) => count >= produced.length,
        60_000,
        250,
      );
      const final = await target.ledger.snapshot();
      await committedAtEnd(target);

      expect(sorted(final.effects.keys())).toEqual(idsOf(produced));
      for (const event of produced) {
        expect(pidsOf(final, event.eventId)).toEqual([a.pid, b.pid]);
        expect(final.effects.get(event.eventId)).toBe(b.pid);
        expect(final.finished.get(event.eventId)).toBe(1);
      }
      expect(await recordCount(admin, target.dlq)).toBe(0);

      await b.kill('SIGTERM');
    });
  });
});
