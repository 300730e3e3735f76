import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TOPIC_CATALOGUE, dlqTopicOf, signWebhook, topicOf, type EventType } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { EventProducer, KafkaAccessDeniedError } from '@opal/platform-kafka/standalone';
import { deadLetterOf, writeDeadLetter } from '@opal/platform-dlq/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry/client';
import {
  eventually,
  freePort,
  spawnInWorkspace,
  startBuiltApp,
  startNxApp,
  type RunningApp,
} from '@opal/platform-runtime/testing';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { DIAGNOSTICS_GROUP, RECOMMENDATIONS_GROUP, groupCaughtUp } from './support/applied-once';
import { stackSh } from './support/cluster-control';
import { linesWith, runTool, secureEnv, without, type SecureUser } from './support/secure-stack';
import { readiness } from './support/readiness';

const SECRET = 'whsec_' + Buffer.from('opal-secure-e2e-secret-0123456789').toString('base64');
const CONSOLE_TOKEN = 'secure-e2e-console-admin-token-0123456789';
const WATCHED = TOPIC_CATALOGUE.flatMap(({ topic }) => [{ topic }, { topic: dlqTopicOf(topic) }]);
const run = randomUUID().slice(0, 8);
const WAIT_MS = 90_000;
const POLL_MS = 250;
const AGENT_TOPIC = topicOf('agent.completed');
/** Progress on stderr as it happens: Jest would hold console output back until the file ends. */
const progress = (line: string) =>
  process.stderr.write(`[secure-e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** A kafkajs client config from the variables `stack.sh env secure` prints, as the apps build theirs. */
function kafkaConfigOf(env: Record<string, string>, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: (env['KAFKA_BROKERS'] as string).split(','),
    ssl: { ca: [readFileSync(env['KAFKA_SSL_CA_FILE'] as string, 'utf8')] },
    sasl: {
      mechanism: 'scram-sha-512',
      username: env['KAFKA_USERNAME'] as string,
      password: env['KAFKA_PASSWORD'] as string,
    },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  };
}

/** An ioredis client as the user of `env`, over TLS with the stack's CA. */
function redisOf(env: Record<string, string>): Redis {
  return new Redis({
    host: env['REDIS_HOST'],
    port: Number(env['REDIS_PORT']),
    username: env['REDIS_USERNAME'],
    password: env['REDIS_PASSWORD'],
    tls: { ca: readFileSync(env['REDIS_TLS_CA_FILE'] as string, 'utf8') },
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
}

/**
 * A dead letter exactly as a worker writes one (`deadLetterOf`), written as the user of `env`:
 * a valid event of `type` that failed in `group`.
 */
async function writeDeadLetterAs(env: Record<string, string>, type: EventType, data: Record<string, unknown>, group: string) {
  const registry = new SchemaRegistryClient({ url: env['SCHEMA_REGISTRY_URL'] as string });
  const { record } = await deadLetterOf(registry, type, data, { group, attempts: 2, errorMessage: 'written by the test', environment: 'staging', sourceSystem: 'secure-e2e' });
  const producer = new Kafka(kafkaConfigOf(env, 'secure-e2e-dead-letter')).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    return await writeDeadLetter(producer, record);
  } finally {
    await producer.disconnect();
  }
}

/** The refusal a command met, or 'OK' when Redis let it run. */
const redisOutcome = (command: Promise<unknown>) =>
  command.then(
    () => 'OK',
    (error: Error) => error.message.split(' ')[0],
  );

/**
 * The secured variant of the production topology (`stack.sh up secure`): three KRaft brokers that
 * speak only SASL_SSL (SCRAM-SHA-512 users, ACLs, mutual TLS to the controllers) and a TLS-only
 * Redis with ACL users. Each app connects as its own user with only what `kafka-init access`
 * granted it from the access plan; the tools connect as `opal-admin`.
 */
describe('secured stack: SASL_SSL brokers, ACLs and an ACL-user TLS Redis', () => {
  const env = {} as Record<SecureUser, Record<string, string>>;
  let gateway: RunningApp;
  let diagnostics: RunningApp;
  let recommendations: RunningApp;
  const started: RunningApp[] = [];

  const post = async (type: EventType, data: Record<string, unknown>) => {
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const headers = signWebhook({ secrets: SECRET, deliveryId: `msg_secure_${randomUUID()}`, body });
    const response = await fetch(`${gateway.baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body });
    expect(response.status).toBe(202);
    return (await response.json()) as { event_id: string; partition: number; offset: string };
  };
  const getJson = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const workflowOf = (id: string) => getJson(`${diagnostics.baseUrl}/v1/diagnostics/workflows/${id}`);
  const consumerUp = async (app: RunningApp) => (await readiness(app)).details['consumer']?.status === 'up';
  const grantAccess = async () => {
    const granted = await runTool('kafka-init', ['access'], env['opal-admin']);
    if (granted.code !== 0) throw new Error(`kafka-init access failed:\n${granted.output}`);
    return granted.output;
  };
  const startApp = async (project: string, extra: Record<string, string>) => {
    const app = await startNxApp(project, { ...extra, PORT: String(await freePort()) });
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    for (const user of ['opal-admin', 'ingest-gateway', 'diagnostics-worker', 'recommendations-worker', 'ops-console'] as const)
      env[user] = await secureEnv(user);
    progress('kafka-init (staging profile) and kafka-init access as opal-admin over SASL_SSL');
    const init = await runTool('kafka-init', ['init'], { ...env['opal-admin'], NODE_ENV: 'staging' });
    if (init.code !== 0) throw new Error(`kafka-init against the secured cluster failed:\n${init.output}`);
    await grantAccess();
    const workerEnv = { NODE_ENV: 'staging', MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '500' };
    progress('starting the three apps, each as its own user');
    [gateway, diagnostics, recommendations] = await Promise.all([
      startApp('ingest-gateway', {
        ...env['ingest-gateway'],
        NODE_ENV: 'staging',
        WEBHOOK_SECRETS: SECRET,
        RATE_LIMIT_PER_SECOND: '100000',
      }),
      startApp('diagnostics-worker', { ...env['diagnostics-worker'], ...workerEnv }),
      startApp('recommendations-worker', { ...env['recommendations-worker'], ...workerEnv }),
    ]);
    expect(await eventually(() => consumerUp(diagnostics), Boolean, WAIT_MS, POLL_MS)).toBe(true);
    expect(await eventually(() => consumerUp(recommendations), Boolean, WAIT_MS, POLL_MS)).toBe(true);
  }, 420_000);

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
  }, 60_000);

  it('should have every app ready over SASL_SSL and TLS, as its own user', async () => {
    for (const app of [gateway, diagnostics, recommendations]) {
      const ready = await eventually(
        () => readiness(app),
        (answer) => answer.status === 200,
        WAIT_MS,
        POLL_MS,
      );

      expect(ready.status).toBe(200);
      expect(ready.details['kafka']).toMatchObject({ status: 'up', brokers: 3 });
      expect(ready.details['redis']).toMatchObject({ status: 'up' });
    }
  });

  it('should refuse a wrong password, a plaintext client and a client without the CA, naming the cause once in the log and in readiness', async () => {
    const gatewayEnv = { ...env['ingest-gateway'], WEBHOOK_SECRETS: SECRET, NODE_ENV: 'staging' };
    const wrongPassword = `wrong-${run}`;
    const cases = [
      {
        name: 'wrong password',
        env: { ...gatewayEnv, KAFKA_PASSWORD: wrongPassword, REDIS_PASSWORD: wrongPassword },
        kafka:
          'Kafka refused the credentials of user "ingest-gateway" (SASL authentication failed): check KAFKA_USERNAME and KAFKA_PASSWORD',
        redis: 'Redis refused the credentials of user "ingest-gateway": check REDIS_USERNAME and REDIS_PASSWORD',
      },
      {
        name: 'plaintext',
        env: {
          ...without(gatewayEnv, 'KAFKA_SSL_CA_FILE', 'REDIS_TLS_CA_FILE'),
          KAFKA_SSL: 'false',
          REDIS_TLS: 'false',
        },
        kafka:
          'the broker closed the connection before answering: its listener probably requires TLS (KAFKA_SSL is false)',
        redis: 'Redis closed the connection at once: it probably accepts TLS only (REDIS_TLS is false)',
      },
      {
        name: 'no CA certificate',
        env: without(gatewayEnv, 'KAFKA_SSL_CA_FILE', 'REDIS_TLS_CA_FILE'),
        kafka: "the brokers' TLS certificate is not trusted",
        redis: "Redis's TLS certificate is not trusted",
      },
    ];
    const refused = await Promise.all(
      cases.map(async (c) => {
        const app = await startBuiltApp('ingest-gateway', { ...c.env, PORT: String(await freePort()) });
        started.push(app);
        return app;
      }),
    );

    for (const [i, c] of cases.entries()) {
      const app = refused[i] as RunningApp;
      // Several probes: the reason is in every answer, the log line is written once.
      const answers = [];
      for (let probe = 0; probe < 3; probe++)
        answers.push(
          await eventually(
            () => readiness(app),
            (answer) =>
              Boolean(
                answer.details['kafka']?.message?.includes(c.kafka) &&
                  answer.details['redis']?.message?.includes(c.redis),
              ),
            30_000,
            POLL_MS,
          ),
        );

      expect({ case: c.name, statuses: answers.map((a) => a.status) }).toEqual({
        case: c.name,
        statuses: [503, 503, 503],
      });
      expect({ case: c.name, kafka: answers[2]?.details['kafka']?.message }).toEqual({
        case: c.name,
        kafka: expect.stringContaining(c.kafka),
      });
      expect({ case: c.name, redis: answers[2]?.details['redis']?.message }).toEqual({
        case: c.name,
        redis: expect.stringContaining(c.redis),
      });
      expect({ case: c.name, lines: linesWith(app.output(), `kafka is not ready: ${c.kafka}`).length }).toEqual({
        case: c.name,
        lines: 1,
      });
      expect(app.output()).not.toContain(wrongPassword);
      expect(app.output()).not.toContain(env['ingest-gateway']['KAFKA_PASSWORD']);
    }
    await Promise.all(refused.map((app) => app.stop()));
  }, 180_000);

  it('should stop a worker whose password is wrong with one line naming its user and the variables to check', async () => {
    const worker = spawnInWorkspace('node', ['dist/apps/diagnostics-worker/main.js'], {
      ...env['diagnostics-worker'],
      NODE_ENV: 'staging',
      PORT: String(await freePort()),
      KAFKA_PASSWORD: `wrong-${run}`,
    });

    const code = await Promise.race([
      worker.exited(),
      new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000)),
    ]);

    if (code === 'still running') process.kill(-(worker.child.pid as number), 'SIGKILL');
    const line =
      'diagnostics-worker: failed to start: Kafka refused the consumer: Kafka refused the credentials of user "diagnostics-worker" (SASL authentication failed): check KAFKA_USERNAME and KAFKA_PASSWORD';
    expect(code).toBe(1);
    expect(linesWith(worker.output(), line)).toEqual([line]);
    expect(worker.output()).not.toContain(`wrong-${run}`);
  }, 120_000);

  it('should deny at once, by name, what the access plan does not grant', async () => {
    /** What a producer as `user` gets for a write to `topic`, and how long it took to get it. */
    const produceAs = async (user: SecureUser, topic: string) => {
      const producer = new EventProducer({
        kafka: kafkaConfigOf(env[user], `secure-e2e-${user}`),
        deliveryTimeoutMs: 15_000,
      });
      const startedAt = Date.now();
      const outcome = await producer
        .send({ topic, key: 'wf', value: Buffer.from(`not for ${user}`), headers: {} })
        .then(
          () => 'written',
          (error: unknown) => error,
        );
      await producer.disconnect();
      return { outcome, ms: Date.now() - startedAt };
    };
    const gatewayToDlq = await produceAs('ingest-gateway', `${AGENT_TOPIC}.dlq`);
    const diagnosticsToEvents = await produceAs('diagnostics-worker', AGENT_TOPIC);

    for (const denied of [gatewayToDlq, diagnosticsToEvents]) {
      expect(denied.outcome).toBeInstanceOf(KafkaAccessDeniedError);
      expect((denied.outcome as KafkaAccessDeniedError).message).toContain('TOPIC_AUTHORIZATION_FAILED');
      expect(denied.ms).toBeLessThan(10_000);
    }

    const diagnosticsAdmin = new Kafka(kafkaConfigOf(env['diagnostics-worker'], 'secure-e2e-diagnostics')).admin();
    await diagnosticsAdmin.connect();
    const offsetsOf = (groupId: string) =>
      diagnosticsAdmin.fetchOffsets({ groupId, topics: [AGENT_TOPIC] }).then(
        () => 'OK',
        (error: Error) => error.name,
      );
    const ownGroup = await offsetsOf(DIAGNOSTICS_GROUP);
    const otherGroup = await offsetsOf(RECOMMENDATIONS_GROUP);
    await diagnosticsAdmin.disconnect();
    // The broker answers GROUP_AUTHORIZATION_FAILED; kafkajs 2.2.4 tries every broker and reports
    // only that none gave a coordinator (README, "Secured stack").
    expect({ ownGroup, otherGroup }).toEqual({ ownGroup: 'OK', otherGroup: 'KafkaJSGroupCoordinatorNotFound' });

    const gatewayRedis = redisOf(env['ingest-gateway']);
    const diagnosticsRedis = redisOf(env['diagnostics-worker']);
    await Promise.all([gatewayRedis.connect(), diagnosticsRedis.connect()]);
    const own = `opal:idempotency:webhook:secure-e2e-${run}`;
    const outcomes = {
      gatewayOwnKey: await redisOutcome(gatewayRedis.set(own, '1', 'EX', 60)),
      gatewayDiagnosticsKey: await redisOutcome(gatewayRedis.get('opal:diagnostics:{s0}:counters:processed')),
      gatewayFlushAll: await redisOutcome(gatewayRedis.flushall()),
      diagnosticsOwnKey: await redisOutcome(diagnosticsRedis.exists('opal:diagnostics:{s0}:counters:processed')),
      diagnosticsRecommendationsKey: await redisOutcome(diagnosticsRedis.set(`opal:recommendations:${run}`, '1')),
    };
    await gatewayRedis.del(own);
    gatewayRedis.disconnect();
    diagnosticsRedis.disconnect();
    expect(outcomes).toEqual({
      gatewayOwnKey: 'OK',
      gatewayDiagnosticsKey: 'NOPERM',
      gatewayFlushAll: 'NOPERM',
      diagnosticsOwnKey: 'OK',
      diagnosticsRecommendationsKey: 'NOPERM',
    });
  });

  it('should carry the whole flow over SASL_SSL: every type accepted, a degraded workflow flagged, a decision personalised', async () => {
    const workflow = `wf-secure-${run}`;
    const user = `user-secure-${run}`;
    const decision = `dec-secure-${run}`;
    const at = Date.now();
    const degradedSeen = async () =>
      ((await getJson(`${diagnostics.baseUrl}/v1/diagnostics/summary`)).body['eventsByType'] as Record<string, number>)[
        'decision.degraded'
      ] ?? 0;
    const degradedBefore = await degradedSeen();
    await post('user.preferences.updated', {
      ...fixtureData('user.preferences.updated'),
      user_id: user,
      updated_at: at,
    });
    await post('workflow.started', {
      ...fixtureData('workflow.started'),
      workflow_id: workflow,
      estimated_duration_ms: 60_000,
    });
    for (const [offset, status] of (['failure', 'failure', 'success'] as const).entries())
      await post('agent.completed', {
        ...fixtureData('agent.completed'),
        workflow_id: workflow,
        agent_id: `agent-secure-${offset}`,
        offset,
        execution_status: status,
      });
    await post('knowledge.upserted', {
      ...fixtureData('knowledge.upserted'),
      knowledge_id: `kb-secure-${run}`,
      workflow_id: workflow,
    });
    await post('decision.generated', {
      ...fixtureData('decision.generated'),
      decision_id: decision,
      workflow_id: workflow,
      user_id: user,
    });
    await post('workflow.completed', {
      ...fixtureData('workflow.completed'),
      workflow_id: workflow,
      status: 'success',
      agents_completed: 1,
      agents_failed: 2,
    });
    await post('decision.degraded', { ...fixtureData('decision.degraded'), workflow_id: `wf-secure-other-${run}` });

    const diagnosed = await eventually(
      () => workflowOf(workflow),
      (answer) => answer.status === 200 && answer.body['status'] === 'success',
      WAIT_MS,
      POLL_MS,
    );
    expect(diagnosed.body).toMatchObject({
      workflowId: workflow,
      health: 'degraded',
      agents: { events: 3, failed: 2 },
    });

    const personalised = await eventually(
      () => getJson(`${recommendations.baseUrl}/v1/recommendations/${decision}`),
      (answer) => answer.status === 200,
      WAIT_MS,
      POLL_MS,
    );
    expect(personalised.body).toMatchObject({ decision_id: decision, workflow_id: workflow, user_id: user });
    // The fixture's preferences: min confidence 0.7, no email, personalization first.
    expect((personalised.body['recommendations'] as Array<{ id: string }>).map((rec) => rec.id)).toEqual([
      'rec-002',
      'rec-001',
    ]);
    expect(personalised.body['applied_preferences']).toMatchObject({
      min_confidence: 0.7,
      excluded_categories: ['email'],
    });

    // The one posted, and the alert diagnostics produced for this workflow (its write to the topic)
    // and then consumed back.
    const degradedAfter = await eventually(degradedSeen, (seen) => seen - degradedBefore >= 2, WAIT_MS, POLL_MS);
    expect(degradedAfter - degradedBefore).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('should dead-letter an event the worker may not apply, and apply it once when it is replayed after the fix', async () => {
    const admin = redisOf(env['opal-admin']);
    await admin.connect();
    const workflow = `wf-secure-dlq-${run}`;
    progress("revoking diagnostics-worker's Redis scripting: its next agent result fails until it is dead-lettered");
    await admin.call('ACL', 'SETUSER', 'diagnostics-worker', '-@scripting');
    let eventId: string;
    try {
      eventId = (
        await post('agent.completed', {
          ...fixtureData('agent.completed'),
          workflow_id: workflow,
          agent_id: 'agent-secure-dlq',
          offset: 0,
        })
      ).event_id;
      const listed = await eventually(
        async () => {
          const list = await runTool(
            'dlq',
            ['list', '--topic', AGENT_TOPIC, '--group', DIAGNOSTICS_GROUP, '--json'],
            env['opal-admin'],
          );
          return list.output
            .split('\n')
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .find((row) => row['eventId'] === eventId);
        },
        (row) => row !== undefined,
        WAIT_MS,
        1_000,
      );
      expect(listed).toMatchObject({ consumerGroup: DIAGNOSTICS_GROUP, attempts: '2', originalTopic: AGENT_TOPIC });
      expect(String(listed?.['errorMessage'])).toContain('NOPERM');
      progress(
        `dead-lettered at ${String(listed?.['partition'])}:${String(listed?.['offset'])}; granting access again`,
      );
      await grantAccess();
      const replay = [
        'replay',
        '--topic',
        `${AGENT_TOPIC}.dlq`,
        '--offset',
        `${String(listed?.['partition'])}:${String(listed?.['offset'])}`,
        '--group',
        DIAGNOSTICS_GROUP,
      ];
      const replayed = await runTool('dlq', replay, env['opal-admin']);
      expect(replayed.code).toBe(0);

      const applied = await eventually(
        () => workflowOf(workflow),
        (answer) => answer.status === 200 && (answer.body['agents'] as { events?: number } | undefined)?.events === 1,
        WAIT_MS,
        POLL_MS,
      );
      expect(applied.body).toMatchObject({ workflowId: workflow, agents: { events: 1 } });

      // A second replay of the same dead letter is recognised by the apply-once script.
      expect((await runTool('dlq', replay, env['opal-admin'])).code).toBe(0);
      const offsets = new Kafka(kafkaConfigOf(env['opal-admin'], 'secure-e2e-lag')).admin();
      await offsets.connect();
      const caughtUp = await eventually(
        () => groupCaughtUp(offsets, DIAGNOSTICS_GROUP, [AGENT_TOPIC]),
        Boolean,
        WAIT_MS,
        500,
      );
      await offsets.disconnect();
      expect(caughtUp).toBe(true);
      expect((await workflowOf(workflow)).body).toMatchObject({ agents: { events: 1 } });
    } finally {
      await grantAccess().catch(() => undefined);
      admin.disconnect();
    }
  }, 240_000);

  it('should run the ops console as its own user: its pages over SASL_SSL, a replay written, and nothing more', async () => {
    const consoleApp = await startBuiltApp('ops-console', {
      ...env['ops-console'],
      NODE_ENV: 'staging',
      PORT: String(await freePort()),
      CONSOLE_APPS: `ingest-gateway=${gateway.baseUrl},diagnostics-worker=${diagnostics.baseUrl},recommendations-worker=${recommendations.baseUrl}`,
      CONSOLE_ADMIN_TOKEN: CONSOLE_TOKEN,
    });
    started.push(consoleApp);
    const page = async (path: string) => (await fetch(`${consoleApp.baseUrl}${path}`)).text();
    expect((await eventually(() => readiness(consoleApp), (answer) => answer.status === 200, WAIT_MS, POLL_MS)).details).toMatchObject({
      kafka: { status: 'up' },
      redis: { status: 'up' },
    });

    // Every topic and DLQ described, the workers' groups with their members, records read through its own groups.
    const overview = await page('/fragments/overview');
    for (const { topic } of WATCHED) expect(overview).toContain(`data-topic="${topic}"`);
    expect(overview).not.toContain('missing: run');
    expect(await page('/fragments/groups')).toMatch(/data-group="opal-diagnostics"[^]*?diagnostics-worker[^]*?data-group="opal-recommendations"/);
    const posted = await post('workflow.started', { ...fixtureData('workflow.started'), workflow_id: `wf-secure-console-${run}` });
    expect(await page(`/messages?topic=${topicOf('workflow.started')}&find=${posted.event_id}`)).toContain(`data-event-id="${posted.event_id}"`);

    // A dead decision of the recommendations group (written as opal-admin), replayed by the console as itself.
    const decision = `dec-secure-console-${run}`;
    const dead = await writeDeadLetterAs(env['opal-admin'], 'decision.generated', { ...fixtureData('decision.generated'), decision_id: decision, user_id: `user-secure-console-${run}` }, RECOMMENDATIONS_GROUP);
    const replay = await fetch(`${consoleApp.baseUrl}/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-console-token': CONSOLE_TOKEN },
      body: new URLSearchParams({ topic: dead.topic, group: RECOMMENDATIONS_GROUP, offsets: `${dead.partition}:${dead.offset}` }).toString(),
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    const personalised = await eventually(() => getJson(`${recommendations.baseUrl}/v1/recommendations/${decision}`), (answer) => answer.status === 200, WAIT_MS, POLL_MS);
    expect(personalised.body).toMatchObject({ decision_id: decision });

    // Nothing beyond that: no dead letter written, no worker's key read.
    const consoleProducer = new EventProducer({ kafka: kafkaConfigOf(env['ops-console'], 'secure-e2e-console'), deliveryTimeoutMs: 15_000 });
    const toDlq = await consoleProducer.send({ topic: `${AGENT_TOPIC}.dlq`, key: 'wf', value: Buffer.from('not for the console'), headers: {} }).then(
      () => 'written',
      (error: unknown) => error,
    );
    await consoleProducer.disconnect();
    expect(toDlq).toBeInstanceOf(KafkaAccessDeniedError);
    const consoleRedis = redisOf(env['ops-console']);
    await consoleRedis.connect();
    const redisOutcomes = { ping: await redisOutcome(consoleRedis.ping()), workerKey: await redisOutcome(consoleRedis.get('opal:diagnostics:{s0}:counters:processed')) };
    consoleRedis.disconnect();
    expect(redisOutcomes).toEqual({ ping: 'OK', workerKey: 'NOPERM' });
  }, 240_000);

  it('should keep the grants across a restart of the secured Redis (saved to its ACL file)', async () => {
    await stackSh('down', 'secure-redis');
    await stackSh('up', 'secure-redis');
    const gatewayRedis = redisOf(env['ingest-gateway']);
    await gatewayRedis.connect();
    const own = `opal:idempotency:webhook:secure-e2e-restart-${run}`;

    const outcome = await redisOutcome(gatewayRedis.set(own, '1', 'EX', 60));

    await gatewayRedis.del(own);
    gatewayRedis.disconnect();
    expect(outcome).toBe('OK');
    expect(
      (
        await eventually(
          () => readiness(gateway),
          (answer) => answer.status === 200,
          WAIT_MS,
          POLL_MS,
        )
      ).details['redis'],
    ).toMatchObject({ status: 'up' });
  }, 120_000);
});
