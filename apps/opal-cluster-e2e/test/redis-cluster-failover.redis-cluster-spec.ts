import { randomUUID } from 'node:crypto';
import { eventually } from '@opal/platform-runtime/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stackEnv, stackSh } from './support/cluster-control';
import { failoverReportDir, progressOf, startFailoverApps, stopFailoverApps, writeFailoverReport, type FailoverApps } from './support/failover-apps';
import { expectAppliedOnceThroughFailover, failoverUnderLoad } from './support/failover-load';
import { readiness } from './support/readiness';
import { connectToNode, expectGrantedOnEveryNode, provisionRedisUsers, redisVariablesOf, runningRedisNodes } from './support/redis-acl-users';
import type { WebhookLoad } from './support/webhook-load';

const SECRET = 'whsec_' + Buffer.from('opal-redis-cluster-e2e-secret-0123').toString('base64');
const run = randomUUID().slice(0, 8);
const RATE_PER_SECOND = 40;
const WORKFLOWS = 48;
const AGENTS = 6;
/** Load before the kill, and while the promoted primary has no replica. */
const LOAD_AROUND_KILL_MS = 8_000;
const REPORT_DIR = failoverReportDir('redis-cluster');
const progress = progressOf('redis-cluster-e2e');

const CLUSTER_ENV = ['KAFKA_BROKERS', 'REDIS_CLUSTER_NODES', 'REDIS_TLS', 'REDIS_TLS_CA_FILE'] as const;
type ClusterEnv = Record<(typeof CLUSTER_ENV)[number], string> & Record<string, string>;

/** The primaries as `stack.sh` sees them now, `host:port` each, sorted. */
async function primaries(): Promise<string[]> {
  const printed = await stackSh('redis-cluster-primaries');
  return printed.split('\n').map((line) => line.trim()).filter((line) => /^\S+:\d+$/.test(line)).sort();
}

/** `stack.sh`'s name for the Cluster node serving on `address`. */
async function nodeServing(address: string): Promise<string> {
  const node = (await stackSh('service-of', address)).trim();
  if (!/^redis-cluster-\d$/.test(node)) throw new Error(`stack.sh names no Cluster node on ${address}: ${node}`);
  return node;
}

/** Keys matching `pattern` on one node (SCAN: keys live on the primary that owns their slot). */
async function keysOn(address: string, env: ClusterEnv, pattern: string): Promise<number> {
  const node = await connectToNode(address, env);
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    node.disconnect();
  }
}

/**
 * Redis as a Cluster (`stack.sh up redis-cluster`: three primaries, one replica each), with the
 * gateway and both workers on it. Every script keeps its keys in one slot, so the writes of one
 * load spread over all three primaries. A primary is SIGKILLed under a steady signed-webhook
 * load: its replica takes its slots over, and until the killed node returns as the replica of the
 * promoted one, the workers (REDIS_MIN_REPLICAS_ACK, 1 on a Cluster) commit nothing. Afterwards
 * every delivery the gateway accepted is applied once by both workers.
 */
describe('Redis Cluster: keys spread over the primaries, and a primary failover loses no applied effect', () => {
  let env: ClusterEnv;
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
  const apps = () => Object.values(started as FailoverApps);

  beforeAll(async () => {
    // The development Kafka, Redis as a Cluster over TLS.
    env = await stackEnv(['redis-cluster'], CLUSTER_ENV);
    admin = new Kafka({ clientId: 'redis-cluster-e2e', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    nodes = await runningRedisNodes('redis-cluster-');
    redisEnv = redisVariablesOf(env);
    const provisioned = await provisionRedisUsers(nodes, redisEnv);
    accessOutput = provisioned.accessOutput;
    started = await startFailoverApps({ ...env }, SECRET, provisioned.logins);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(loads.map((load) => load.stop()));
    await stopFailoverApps(started, REPORT_DIR);
    // Whatever the test killed comes back (as a replica of the promoted node), so the next run finds the cluster whole.
    await stackSh('up', 'redis-cluster').catch(() => undefined);
    await admin?.disconnect();
    writeFailoverReport(REPORT_DIR, report);
  }, 120_000);

  it("should have granted each app's ACL user its rights on all six nodes, replicas included", async () => {
    expect(nodes).toHaveLength(6);
    await expectGrantedOnEveryNode(nodes, redisEnv, accessOutput);
  });

  it('should have every app ready on the Cluster, naming the topology and its three primaries', async () => {
    const expected = await primaries();
    expect(expected).toHaveLength(3);
    for (const app of apps()) {
      const ready = await eventually(() => readiness(app), (answer) => answer.status === 200, 60_000, 250);
      expect(ready.details['redis']).toEqual({ status: 'up', topology: 'cluster', primaries: expected });
    }
  });

  it('should spread keys over every primary, promote a SIGKILLed primary\'s replica, hold commits back until a replica acknowledges again, and apply every accepted event once in both workers', async () => {
    const before = await primaries();
    const victim = before[0] as string;
    let keysPerPrimary: Record<string, number> = {};
    const result = await failoverUnderLoad(
      { ...failoverLoad(), tag: `rc-${run}` },
      {
        // Before the kill, so the count is of a whole cluster: this run's keys on each primary.
        beforeKill: async () => {
          keysPerPrimary = Object.fromEntries(
            await Promise.all(before.map(async (primary) => [primary, await keysOn(primary, env, `*rc-${run}-*`)] as const)),
          );
          return { keysPerPrimary, primariesBefore: before };
        },
        kill: async () => {
          const node = await nodeServing(victim);
          await stackSh('kill', node);
          return { node, primary: victim };
        },
        promotion: async (killedPrimary) => {
          const after = await eventually(primaries, (now) => now.length === 3 && !now.includes(killedPrimary), 60_000, 100);
          return { after, followed: (answer) => answer.status === 200 && JSON.stringify(answer.details['redis']?.primaries) === JSON.stringify(after) };
        },
        restart: (node) => stackSh('up', node),
      },
    );
    Object.assign(report, result.figures);

    // Spread: every primary holds some of this run's keys, none holds most of them.
    const keyCounts = Object.values(keysPerPrimary);
    expect(keyCounts).toHaveLength(3);
    for (const count of keyCounts) expect(count).toBeGreaterThan(0.1 * keyCounts.reduce((sum, n) => sum + n, 0));
    expect(result.figures.primaryAfter).not.toContain(victim);
    expectAppliedOnceThroughFailover(result, { ratePerSecond: RATE_PER_SECOND, aroundKillMs: LOAD_AROUND_KILL_MS });
    for (const running of apps()) expect(running.output()).not.toMatch(/CROSSSLOT|NOPERM|WRONGPASS/);
  });
});
