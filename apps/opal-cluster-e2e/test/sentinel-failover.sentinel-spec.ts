import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eventually, freePort, startBuiltApp } from '@opal/platform-runtime/testing';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stackEnv, stackSh } from './support/cluster-control';
import { failoverReportDir, progressOf, startFailoverApps, stopFailoverApps, writeFailoverReport, type FailoverApps } from './support/failover-apps';
import { expectAppliedOnceThroughFailover, failoverUnderLoad } from './support/failover-load';
import { readiness } from './support/readiness';
import { expectGrantedOnEveryNode, provisionRedisUsers, redisVariablesOf, runningRedisNodes } from './support/redis-acl-users';
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

const SENTINEL_ENV = ['KAFKA_BROKERS', 'REDIS_SENTINELS', 'REDIS_SENTINEL_PRIMARY', 'REDIS_SENTINEL_PASSWORD', 'REDIS_TLS', 'REDIS_TLS_CA_FILE'] as const;
type SentinelEnv = Record<(typeof SENTINEL_ENV)[number], string> & Record<string, string>;

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
  let env: SentinelEnv;
  let sentinel: Redis;
  let admin: Admin;
  let started: FailoverApps | undefined;
  let nodes: string[];
  let redisEnv: Record<string, string>;
  let accessOutput: string;
  /** Stopped in afterAll too: a test that failed midway must not leave a load's timer running (Jest would wait on it). */
  const loads: WebhookLoad[] = [];
  const failoverLoad = () => ({
    ...{ apps: started as FailoverApps, admin, secret: SECRET, progress, loads },
    ...{ ratePerSecond: RATE_PER_SECOND, aroundKillMs: LOAD_AROUND_KILL_MS, workflows: WORKFLOWS, agents: AGENTS },
  });
  const report: Record<string, unknown> = { run, ratePerSecond: RATE_PER_SECOND };

  beforeAll(async () => {
    // The development Kafka, Redis through the Sentinels (their password, TLS).
    env = await stackEnv(['sentinel'], SENTINEL_ENV);
    const [firstSentinel] = env.REDIS_SENTINELS.split(',');
    const [host, port] = (firstSentinel as string).split(':');
    sentinel = new Redis({
      host,
      port: Number(port),
      password: env.REDIS_SENTINEL_PASSWORD,
      tls: { ca: readFileSync(env.REDIS_TLS_CA_FILE) },
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    await sentinel.connect();
    admin = new Kafka({ clientId: 'sentinel-e2e', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    nodes = await runningRedisNodes('sentinel-redis-');
    redisEnv = redisVariablesOf(env);
    const provisioned = await provisionRedisUsers(nodes, redisEnv);
    accessOutput = provisioned.accessOutput;
    started = await startFailoverApps({ ...env }, SECRET, provisioned.logins);
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

  it("should have granted each app's ACL user its rights on the primary and the replica", async () => {
    expect(nodes).toHaveLength(2);
    await expectGrantedOnEveryNode(nodes, redisEnv, accessOutput);
  });

  it('should have every app ready through the Sentinels, naming the topology and the primary they reached', async () => {
    const primary = await primaryNamed(sentinel, env.REDIS_SENTINEL_PRIMARY);
    for (const app of Object.values(started as FailoverApps)) {
      const ready = await eventually(() => readiness(app), (answer) => answer.status === 200, 60_000, 250);
      expect(ready.details['redis']).toEqual({ status: 'up', topology: 'sentinel', primary });
    }
  });

  it("should name the Sentinels' refusal of a wrong password in readiness, and log neither password", async () => {
    const wrongPassword = `wrong-${run}`;
    const refused = await startBuiltApp('ingest-gateway', {
      ...env,
      REDIS_SENTINEL_PASSWORD: wrongPassword,
      WEBHOOK_SECRETS: SECRET,
      NODE_ENV: 'staging',
      PORT: String(await freePort()),
    });
    try {
      const answer = await eventually(() => readiness(refused), (ready) => Boolean(ready.details['redis']?.message), 30_000, 250);

      expect(answer.status).toBe(503);
      expect(answer.details['redis']?.message).toContain(
        "the Sentinels refused this client's login: check REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD",
      );
      expect(refused.output()).not.toContain(wrongPassword);
      expect(refused.output()).not.toContain(env.REDIS_SENTINEL_PASSWORD);
    } finally {
      await refused.stop();
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
    for (const running of Object.values(started as FailoverApps)) expect(running.output()).not.toMatch(/NOPERM|WRONGPASS/);
  });
});
