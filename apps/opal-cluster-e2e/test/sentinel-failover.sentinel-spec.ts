import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { fixtureData } from '@opal/contracts/testing';
import { eventually, freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { AGENT_TOPIC, DIAGNOSTICS_GROUP, groupCaughtUp } from './support/applied-once';
import { stackSh } from './support/cluster-control';
import { WebhookLoad, attemptsBetween } from './support/webhook-load';

const SECRET = 'whsec_' + Buffer.from('opal-sentinel-e2e-secret-0123456789').toString('base64');
const run = randomUUID().slice(0, 8);
const RATE_PER_SECOND = 40;
const WORKFLOWS = 12;
/** Load before the kill and after the promotion, so both sides of the failover carry events. */
const LOAD_AROUND_KILL_MS = 8_000;
const REPORT_DIR = path.join(workspaceRoot, '.reports', 'sentinel');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Progress on stderr as it happens: Jest would hold console output back until the file ends. */
const progress = (line: string) =>
  process.stderr.write(`[sentinel-e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Readiness {
  status: number;
  details: Record<string, { status?: string; topology?: string; primary?: string }>;
}

async function readiness(app: RunningApp): Promise<Readiness> {
  const response = await fetch(`${app.baseUrl}/health/ready`);
  const body = (await response.json()) as { details?: Readiness['details'] };
  return { status: response.status, details: body.details ?? {} };
}

/** The variables `stack.sh env sentinel` prints for the apps: the development Kafka, Redis through the Sentinels. */
async function sentinelEnv(): Promise<{ KAFKA_BROKERS: string; REDIS_SENTINELS: string; REDIS_SENTINEL_PRIMARY: string }> {
  const printed = await stackSh('env', 'sentinel');
  const value = (name: string) => {
    const found = new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(printed)?.[1];
    if (!found) throw new Error(`stack.sh env sentinel printed no ${name}:\n${printed}`);
    return found;
  };
  return {
    KAFKA_BROKERS: value('KAFKA_BROKERS'),
    REDIS_SENTINELS: value('REDIS_SENTINELS'),
    REDIS_SENTINEL_PRIMARY: value('REDIS_SENTINEL_PRIMARY'),
  };
}

/** The primary as the Sentinels name it now: what a failover changes. */
async function primaryNamed(sentinel: Redis, name: string): Promise<string> {
  const [host, port] = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string];
  return `${host}:${port}`;
}

/** `stack.sh`'s name for the node serving on `address`: sentinel-redis-1 on the base port, -2 above it. */
async function nodeServing(address: string): Promise<string> {
  const status = await stackSh('status');
  const node = new RegExp(`^(sentinel-redis-\\d): running \\(pid \\d+, ${address.replaceAll('.', '\\.')},`, 'm').exec(status)?.[1];
  if (!node) throw new Error(`stack.sh status names no Sentinel node on ${address}:\n${status}`);
  return node;
}

/** The diagnostics group's committed offsets on the agent topic, summed over partitions. */
async function committed(admin: Admin): Promise<number> {
  const [topic] = await admin.fetchOffsets({ groupId: DIAGNOSTICS_GROUP, topics: [AGENT_TOPIC] });
  return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** The agent topic's end offsets, summed over partitions. */
async function endOffset(admin: Admin): Promise<number> {
  return (await admin.fetchTopicOffsets(AGENT_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
}

/**
 * Redis behind Sentinel (`stack.sh up sentinel`: a primary, a replica, three Sentinels), the
 * gateway and the diagnostics worker finding the primary through the Sentinels. The primary is
 * SIGKILLed under a steady signed-webhook load: the Sentinels promote the replica and both apps
 * follow it by themselves. The promoted node has no replica until the killed one returns as one, and
 * until then the worker (REDIS_MIN_REPLICAS_ACK, 1 behind Sentinel) commits nothing; afterwards every
 * delivery the gateway accepted is applied once.
 */
describe('Redis behind Sentinel: the apps follow a failover of the primary', () => {
  let env: Awaited<ReturnType<typeof sentinelEnv>>;
  let sentinel: Redis;
  let admin: Admin;
  let gateway: RunningApp | undefined;
  let diagnostics: RunningApp | undefined;
  /** Stopped in afterAll too: a test that failed midway must not leave a load's timer running (Jest would wait on it). */
  const loads: WebhookLoad[] = [];
  const report: Record<string, unknown> = { run, ratePerSecond: RATE_PER_SECOND };

  beforeAll(async () => {
    env = await sentinelEnv();
    const [firstSentinel] = env.REDIS_SENTINELS.split(',');
    const [host, port] = (firstSentinel as string).split(':');
    sentinel = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
    await sentinel.connect();
    admin = new Kafka({ clientId: 'sentinel-e2e', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const appEnv = { ...env, NODE_ENV: 'staging' };
    [gateway, diagnostics] = await Promise.all([
      freePort().then((gatewayPort) =>
        startNxApp('ingest-gateway', { ...appEnv, PORT: String(gatewayPort), WEBHOOK_SECRETS: SECRET, RATE_LIMIT_PER_SECOND: '100000' }),
      ),
      freePort().then((workerPort) => startNxApp('diagnostics-worker', { ...appEnv, PORT: String(workerPort) })),
    ]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(loads.map((load) => load.stop()));
    mkdirSync(REPORT_DIR, { recursive: true });
    const logs: Array<[string, RunningApp | undefined]> = [['ingest-gateway', gateway], ['diagnostics-worker', diagnostics]];
    await Promise.all([gateway?.stop(), diagnostics?.stop()]);
    for (const [name, app] of logs) if (app) writeFileSync(path.join(REPORT_DIR, `${name}.log`), app.output());
    // Whatever the test killed comes back (as a replica of the promoted node), so the next run finds the pair whole.
    await stackSh('up', 'sentinel').catch(() => undefined);
    sentinel?.disconnect();
    await admin?.disconnect();
    writeFileSync(path.join(REPORT_DIR, 'failover.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`sentinel report (.reports/sentinel/failover.json):\n${JSON.stringify(report, null, 2)}`);
  }, 120_000);

  it('should have both apps ready through the Sentinels, naming the topology and the primary they reached', async () => {
    const primary = await primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY);
    for (const app of [gateway, diagnostics] as RunningApp[]) {
      const ready = await eventually(() => readiness(app), (answer) => answer.status === 200, 60_000, 250);
      expect(ready.details['redis']).toEqual({ status: 'up', topology: 'sentinel', primary });
    }
  });

  it('should promote the replica when the primary is SIGKILLed under load, hold commits back until a replica acknowledges again, and apply every accepted event once', async () => {
    const app = { gateway: gateway as RunningApp, diagnostics: diagnostics as RunningApp };
    const workflowOf = (n: number) => `wf-sentinel-${run}-${n % WORKFLOWS}`;
    const load = new WebhookLoad({
      url: `${app.gateway.baseUrl}/v1/webhooks/opal`,
      secret: SECRET,
      ratePerSecond: RATE_PER_SECOND,
      eventOf: (n) => ({
        type: 'agent.completed',
        data: { ...fixtureData('agent.completed'), workflow_id: workflowOf(n), agent_id: `agent-sentinel-${n}`, offset: n, execution_status: 'success' },
      }),
      // A sender that retries: 503s while no primary answers are expected, a lost delivery is not.
      retryForMs: 90_000,
    });
    const before = await primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY);
    const killed = await nodeServing(before);

    load.start();
    loads.push(load);
    await sleep(LOAD_AROUND_KILL_MS);
    const killedAt = Date.now();
    await stackSh('kill', killed);
    progress(`SIGKILLed ${killed} (${before}) under ${RATE_PER_SECOND} deliveries/s`);
    const after = await eventually(() => primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY), (now) => now !== before, 60_000, 100);
    const promotedMs = Date.now() - killedAt;
    progress(`the Sentinels promoted ${after} after ${promotedMs} ms`);
    const followed = async (running: RunningApp) =>
      (await eventually(() => readiness(running).catch(() => undefined), (answer) => answer?.details['redis']?.primary === after, 60_000, 100)) &&
      Date.now() - killedAt;
    const [gatewayFollowedMs, workerFollowedMs] = await Promise.all([followed(app.gateway), followed(app.diagnostics)]);

    // The promoted node has no replica: the worker may apply, but must not commit what no replica holds.
    const heldFrom = await committed(admin);
    await sleep(LOAD_AROUND_KILL_MS);
    const heldUntil = await committed(admin);
    const endWhileHeld = await endOffset(admin);
    progress(`without a replica: committed ${heldFrom} → ${heldUntil} while the topic grew to ${endWhileHeld}; restarting ${killed}`);
    const restartedAt = Date.now();
    await stackSh('up', killed);
    const commitsResumedMs = (await eventually(() => committed(admin), (now) => now > heldUntil, 60_000, 200)) && Date.now() - restartedAt;
    await sleep(LOAD_AROUND_KILL_MS / 2);
    await load.stop();

    const delivered = load.deliveries.filter((d) => d.delivered);
    const expected: Record<string, number> = {};
    for (const d of delivered) expected[d.data['workflow_id'] as string] = (expected[d.data['workflow_id'] as string] ?? 0) + 1;
    const counted = async () => {
      const perWorkflow: Record<string, number> = {};
      for (const workflow of Object.keys(expected)) {
        const response = await fetch(`${app.diagnostics.baseUrl}/v1/diagnostics/workflows/${workflow}`);
        perWorkflow[workflow] = response.ok ? ((await response.json()) as { agents?: { events?: number } }).agents?.events ?? 0 : 0;
      }
      return perWorkflow;
    };
    const applied = await eventually(counted, (now) => Object.keys(expected).every((w) => (now[w] ?? 0) >= (expected[w] ?? 0)), 120_000, 1_000);
    const caughtUp = await eventually(() => groupCaughtUp(admin, DIAGNOSTICS_GROUP, [AGENT_TOPIC]), Boolean, 60_000, 500);
    const attempts = attemptsBetween(load.deliveries, killedAt, Date.now());
    Object.assign(report, {
      killed,
      primaryBefore: before,
      primaryAfter: after,
      promotedMs,
      gatewayFollowedMs,
      workerFollowedMs,
      committedWithoutReplica: heldUntil - heldFrom,
      topicGrewWithoutReplica: endWhileHeld - heldFrom,
      commitsResumedAfterRestartMs: commitsResumedMs,
      deliveries: load.deliveries.length,
      delivered: delivered.length,
      answered503AfterKill: attempts.filter((a) => a.status === 503).length,
      appliedOnce: Object.values(applied).reduce((sum, n) => sum + n, 0),
      lost: Object.keys(expected).reduce((sum, w) => sum + Math.max(0, (expected[w] ?? 0) - (applied[w] ?? 0)), 0),
      appliedTwice: Object.keys(expected).reduce((sum, w) => sum + Math.max(0, (applied[w] ?? 0) - (expected[w] ?? 0)), 0),
    });
    progress(`failover: ${JSON.stringify(report)}`);

    expect(after).not.toBe(before);
    // Held back: while no replica acknowledged, the group's commits stood still though events kept arriving.
    expect(endWhileHeld).toBeGreaterThan(heldFrom + RATE_PER_SECOND);
    expect(heldUntil).toBe(heldFrom);
    expect(load.deliveries.length).toBeGreaterThan(RATE_PER_SECOND * ((2.5 * LOAD_AROUND_KILL_MS) / 1000) * 0.8);
    expect(load.deliveries.filter((d) => !d.delivered)).toEqual([]);
    expect(applied).toEqual(expected);
    expect(caughtUp).toBe(true);
  });
});
