import { randomUUID } from 'node:crypto';
import { eventually } from '@opal/platform-runtime/testing';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stackSh } from './support/cluster-control';
import { failoverReportDir, progressOf, startFailoverApps, stopFailoverApps, writeFailoverReport, type FailoverApps } from './support/failover-apps';
import { expectAppliedOnceThroughFailover, failoverUnderLoad } from './support/failover-load';
import { readiness } from './support/readiness';
import type { WebhookLoad } from './support/webhook-load';

const SECRET = 'whsec_' + Buffer.from('opal-sentinel-e2e-secret-0123456789').toString('base64');
const run = randomUUID().slice(0, 8);
const RATE_PER_SECOND = 40;
const WORKFLOWS = 12;
const AGENTS = 6;
/** Load before the kill and after the promotion, so both sides of the failover carry events. */
const LOAD_AROUND_KILL_MS = 8_000;
const REPORT_DIR = failoverReportDir('sentinel');
const progress = progressOf('sentinel-e2e');

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
  let started: FailoverApps | undefined;
  /** Stopped in afterAll too: a test that failed midway must not leave a load's timer running (Jest would wait on it). */
  const loads: WebhookLoad[] = [];
  const failoverLoad = () => ({
    ...{ apps: started as FailoverApps, admin, secret: SECRET, progress, loads },
    ...{ ratePerSecond: RATE_PER_SECOND, aroundKillMs: LOAD_AROUND_KILL_MS, workflows: WORKFLOWS, agents: AGENTS },
  });
  const report: Record<string, unknown> = { run, ratePerSecond: RATE_PER_SECOND };

  beforeAll(async () => {
    env = await sentinelEnv();
    const [firstSentinel] = env.REDIS_SENTINELS.split(',');
    const [host, port] = (firstSentinel as string).split(':');
    sentinel = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
    await sentinel.connect();
    admin = new Kafka({ clientId: 'sentinel-e2e', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    started = await startFailoverApps({ ...env }, SECRET);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(loads.map((load) => load.stop()));
    await stopFailoverApps(started, REPORT_DIR);
    // Whatever the test killed comes back (as a replica of the promoted node), so the next run finds the pair whole.
    await stackSh('up', 'sentinel').catch(() => undefined);
    sentinel?.disconnect();
    await admin?.disconnect();
    writeFailoverReport(REPORT_DIR, report);
  }, 120_000);

  it('should have every app ready through the Sentinels, naming the topology and the primary they reached', async () => {
    const primary = await primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY);
    for (const app of Object.values(started as FailoverApps)) {
      const ready = await eventually(() => readiness(app), (answer) => answer.status === 200, 60_000, 250);
      expect(ready.details['redis']).toEqual({ status: 'up', topology: 'sentinel', primary });
    }
  });

  it('should promote the replica when the primary is SIGKILLed under load, hold commits back until a replica acknowledges again, and apply every accepted event once in both workers', async () => {
    const result = await failoverUnderLoad(
      { ...failoverLoad(), tag: `sentinel-${run}` },
      {
        kill: async () => {
          const primary = await primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY);
          const node = await nodeServing(primary);
          await stackSh('kill', node);
          return { node, primary };
        },
        promotion: async (killedPrimary) => {
          const after = await eventually(() => primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY), (now) => now !== killedPrimary, 60_000, 100);
          return { after, followed: (answer) => answer.details['redis']?.primary === after };
        },
        restart: (node) => stackSh('up', node),
      },
    );
    Object.assign(report, result.figures);

    expect(result.figures.primaryAfter).not.toBe(result.figures.primaryBefore);
    expectAppliedOnceThroughFailover(result, { ratePerSecond: RATE_PER_SECOND, aroundKillMs: LOAD_AROUND_KILL_MS });
  });
});
