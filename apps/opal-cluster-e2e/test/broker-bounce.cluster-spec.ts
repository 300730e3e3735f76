import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { TOPIC_CATALOGUE, topicOf } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { TopicTap } from '@opal/platform-kafka/testing';
import { eventually, freePort, spawnInWorkspace, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { ConfigResourceTypes } from 'kafkajs';
import {
  AGENT_TOPIC,
  CONSUMERS,
  DECISION_TOPIC,
  DIAGNOSTICS_GROUP,
  RECOMMENDATIONS_GROUP,
  agentResultsPerWorkflow,
  eventIdsByTopic,
  groupCaughtUp,
  inBatches,
} from './support/applied-once';
import { LivenessSupervisor } from './support/liveness-supervisor';
import {
  ClusterView,
  NODE_IDS,
  activeController,
  clusterBrokers,
  killBroker,
  startBroker,
  startCluster,
  stackSh,
  stopBroker,
} from './support/cluster-control';
import { WebhookLoad, attemptsBetween, percentile, type Delivery } from './support/webhook-load';

const SECRET = 'whsec_' + Buffer.from('opal-cluster-e2e-secret-0123456789').toString('base64');
const run = randomUUID().slice(0, 8);
const USER = `user-cluster-${run}`;
const RATE_PER_SECOND = 40;
const WORKFLOWS_PER_SCENARIO = 12;
const EVENT_TOPICS = TOPIC_CATALOGUE.map((entry) => entry.topic);
const ALL_TOPICS = EVENT_TOPICS.flatMap((topic) => [topic, `${topic}.dlq`]);
const LOADED_TOPICS = [AGENT_TOPIC, DECISION_TOPIC];
const LOADED_DLQS = LOADED_TOPICS.map((topic) => `${topic}.dlq`);
/** Faster than the 5-minute default, so a stalled consumer is restarted within the test's time. */
const STALL_TIMEOUT_MS = 45_000;
/** The partition whose leader the hard bounce kills: the load writes every partition, this one is watched. */
const WATCHED = { topic: AGENT_TOPIC, partition: 0 };
const REPORT_DIR = path.join(workspaceRoot, '.reports', 'cluster');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Progress on stderr as it happens: Jest would hold console output back until the file ends. */
const progress = (line: string) =>
  process.stderr.write(`[cluster-e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Failover {
  what: string;
  node: number;
  /** kill → the watched partition (or the quorum) has a new leader, as the metadata says */
  electedMs?: number;
  /** kill → the first 202 written to the watched partition by a request sent after the kill */
  clientFailoverMs?: number;
  /** restart → every replica of every topic in sync again */
  rejoinMs: number;
  answered503: number;
  produceP99Ms: number;
}

const report: Record<string, unknown> = { run, ratePerSecond: RATE_PER_SECOND };

function scenarioEvents(scenario: string) {
  const workflowOf = (n: number) => `wf-cluster-${run}-${scenario}-${Math.floor(n / 2) % WORKFLOWS_PER_SCENARIO}`;
  return (n: number) =>
    n % 2 === 0
      ? {
          type: 'agent.completed' as const,
          data: {
            ...fixtureData('agent.completed'),
            workflow_id: workflowOf(n),
            agent_id: `agent-${scenario}-${n}`,
            offset: n,
            execution_status: 'success',
          },
        }
      : {
          type: 'decision.generated' as const,
          data: {
            ...fixtureData('decision.generated'),
            decision_id: `dec-cluster-${run}-${scenario}-${n}`,
            workflow_id: workflowOf(n),
            user_id: USER,
          },
        };
}

/** kill → the first 202 on the watched partition for a request sent after the kill. */
function clientFailover(deliveries: Delivery[], killedAt: number): number | undefined {
  const firsts = deliveries
    .filter((d) => d.type === 'agent.completed' && d.partition === WATCHED.partition)
    .flatMap((d) => d.attempts.filter((a) => a.sentAt >= killedAt && a.status === 202).map((a) => a.answeredAt));
  return firsts.length > 0 ? Math.min(...firsts) - killedAt : undefined;
}

function windowStats(deliveries: Delivery[], from: number, to: number) {
  const attempts = attemptsBetween(deliveries, from, to);
  return {
    answered503: attempts.filter((a) => a.status === 503).length,
    produceP99Ms: percentile(
      attempts.filter((a) => a.status === 202).map((a) => a.answeredAt - a.sentAt),
      99,
    ),
  };
}

/**
 * The production topology on the real cluster of the local stack (`stack.sh up cluster`: three
 * KRaft broker+controller nodes), with the topics kafka-init creates for staging (RF 3, min ISR 2)
 * and the three apps in their real groups. Kafka's `replication_test` shape: brokers die under a
 * steady signed-webhook load, and afterwards every event the gateway answered 202 for is in Kafka
 * and applied exactly once by both workers.
 */
describe('three-broker cluster: no acknowledged event lost while brokers die', () => {
  let brokers: string[];
  let view: ClusterView;
  let gateway: RunningApp;
  const workers = new LivenessSupervisor(2_000, 3, (restart) =>
    progress(`liveness failed, restarting ${restart.app}: ${restart.reason}`),
  );
  const diagnostics = () => workers.app(DIAGNOSTICS_GROUP);
  const recommendations = () => workers.app(RECOMMENDATIONS_GROUP);
  /** A request to a worker the supervisor may be restarting: no answer is retried, an HTTP answer is returned. */
  const fetchWorker = async (url: () => string): Promise<Response> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        return await fetch(url());
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1_000);
      }
    }
  };
  const getJson = async <T>(url: () => string) => (await (await fetchWorker(url)).json()) as T;
  const eventsByType = async () =>
    (await getJson<{ eventsByType: Record<string, number> }>(() => `${diagnostics().baseUrl}/v1/diagnostics/summary`))
      .eventsByType;

  const consumerUp = async (app: RunningApp) => {
    const body = (await (await fetch(`${app.baseUrl}/health/ready`)).json()) as {
      details?: Record<string, { status?: string }>;
    };
    return body.details?.['consumer']?.status === 'up';
  };

  /**
   * Runs `scenario` under load, then reads back what Kafka holds and what the workers' own state
   * says they applied: the measure of "exactly once" is the domain's, not a process counter that
   * a restart would reset.
   */
  async function underLoad(name: string, retryForMs: number, scenario: (load: WebhookLoad) => Promise<void>) {
    const admin = view.kafkaAdmin;
    // Whatever an earlier, interrupted run left on the topics is applied before the counts are taken.
    for (const { group, topic } of CONSUMERS)
      expect(await eventually(() => groupCaughtUp(admin, group, [topic]), Boolean, 120_000, 500)).toBe(true);
    const before = await eventsByType();
    const tap = new TopicTap(brokers, [...LOADED_TOPICS, ...LOADED_DLQS]);
    await tap.open();
    const load = new WebhookLoad({
      url: `${gateway.baseUrl}/v1/webhooks/opal`,
      secret: SECRET,
      ratePerSecond: RATE_PER_SECOND,
      eventOf: scenarioEvents(name),
      retryForMs,
    });
    const startedAt = Date.now();
    load.start();
    await sleep(3_000);
    await scenario(load);
    await sleep(3_000);
    await load.stop();
    const seconds = (Date.now() - startedAt) / 1000;
    progress(
      `${name}: load stopped after ${seconds.toFixed(0)} s, ${load.deliveries.length} deliveries; reading Kafka back`,
    );

    const records = await tap.read();
    await tap.close();
    const { ids, repeatedRecords } = eventIdsByTopic(records.filter((r) => LOADED_TOPICS.includes(r.topic)));
    const accepted = load.deliveries.filter((d) => d.attempts.some((a) => a.status === 202));
    const lost = accepted.filter((d) => !ids.get(topicOf(d.type))?.has(d.eventId as string)).map((d) => d.id);
    const expected = {
      'agent.completed': ids.get(AGENT_TOPIC)?.size ?? 0,
      'decision.generated': ids.get(DECISION_TOPIC)?.size ?? 0,
    };
    progress(
      `${name}: ${records.length} records in Kafka; waiting for diagnostics to count ${JSON.stringify(expected)}`,
    );
    const counted = async () => {
      const now = await eventsByType();
      return {
        'agent.completed': (now['agent.completed'] ?? 0) - (before['agent.completed'] ?? 0),
        'decision.generated': (now['decision.generated'] ?? 0) - (before['decision.generated'] ?? 0),
      };
    };
    const applied = await eventually(
      counted,
      (now) =>
        now['agent.completed'] >= expected['agent.completed'] &&
        now['decision.generated'] >= expected['decision.generated'],
      240_000,
      1_000,
    );
    const decisions = accepted
      .filter((d) => d.type === 'decision.generated')
      .map((d) => d.data['decision_id'] as string);
    const unpersonalised = (
      await eventually(
        async () =>
          (
            await inBatches(decisions, 16, async (id) =>
              (await fetchWorker(() => `${recommendations().baseUrl}/v1/recommendations/${id}`)).status === 200
                ? undefined
                : id,
            )
          ).filter(Boolean),
        (missing) => missing.length === 0,
        120_000,
        1_000,
      )
    ).length;
    const attempts = load.deliveries.flatMap((d) => d.attempts);
    const summary = {
      seconds,
      deliveries: load.deliveries.length,
      skippedTicks: load.skippedTicks,
      accepted202: accepted.length,
      failedDeliveries: load.deliveries.filter((d) => d.delivered === false).length,
      attempts: attempts.length,
      answered503: attempts.filter((a) => a.status === 503).length,
      noAnswer: attempts.filter((a) => a.status === 0).length,
      recordsInKafka: records.length,
      repeatedRecords,
      deadLetters: records.filter((r) => LOADED_DLQS.includes(r.topic)).length,
      lost: lost.length,
      distinctInKafka: expected,
      countedByDiagnostics: applied,
      decisionsNotPersonalised: unpersonalised,
      workerRestarts: workers.restarts.length,
    };
    report[name] = { ...(report[name] as object), ...summary };
    return { load, records, lost, applied, expected, summary };
  }

  /** Every event in Kafka counted once by diagnostics, each workflow's agent results too, every 202'd decision personalised, nothing dead-lettered. */
  async function expectAppliedOnce({ records, applied, expected, summary }: Awaited<ReturnType<typeof underLoad>>) {
    expect(applied).toEqual(expected);
    expect(summary.decisionsNotPersonalised).toBe(0);
    expect(summary.deadLetters).toBe(0);
    const perWorkflow = agentResultsPerWorkflow(records);
    const counted: Record<string, number> = {};
    for (const workflow of Object.keys(perWorkflow))
      counted[workflow] =
        (
          await getJson<{ agents?: { events?: number } }>(
            () => `${diagnostics().baseUrl}/v1/diagnostics/workflows/${workflow}`,
          )
        ).agents?.events ?? -1;
    expect(Object.keys(perWorkflow)).toHaveLength(WORKFLOWS_PER_SCENARIO);
    expect(counted).toEqual(perWorkflow);
  }

  beforeAll(async () => {
    brokers = await clusterBrokers();
    await startCluster();
    view = new ClusterView(brokers);
    await view.connect();
    const init = spawnInWorkspace('npx', ['nx', 'run', 'kafka-init:init', '--outputStyle=stream'], {
      NODE_ENV: 'staging',
      KAFKA_BROKERS: brokers.join(','),
    });
    if ((await init.exited()) !== 0) throw new Error(`kafka-init against the cluster failed:\n${init.output()}`);
    await view.waitForFullIsr(ALL_TOPICS);
    const env = { KAFKA_BROKERS: brokers.join(','), NODE_ENV: 'staging' };
    const workerEnv = { ...env, CONSUMER_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS) };
    // A restarted worker keeps its port, so the test's reads go on to the same address.
    const [gatewayPort, diagnosticsPort, recommendationsPort] = [await freePort(), await freePort(), await freePort()];
    const startWorker = (project: string, port: number) => async () => {
      const app = await startNxApp(project, { ...workerEnv, PORT: String(port) });
      expect(await eventually(() => consumerUp(app).catch(() => false), Boolean, 120_000, 250)).toBe(true);
      return app;
    };
    [gateway] = await Promise.all([
      startNxApp('ingest-gateway', {
        ...env,
        PORT: String(gatewayPort),
        WEBHOOK_SECRETS: SECRET,
        RATE_LIMIT_PER_SECOND: '100000',
      }),
      workers.add(DIAGNOSTICS_GROUP, startWorker('diagnostics-worker', diagnosticsPort)),
      workers.add(RECOMMENDATIONS_GROUP, startWorker('recommendations-worker', recommendationsPort)),
    ]);
    workers.start();
  }, 420_000);

  afterAll(async () => {
    // Whatever a failed scenario left down comes back, so the next run (and `down`) find the cluster whole.
    await startCluster().catch(() => undefined);
    mkdirSync(REPORT_DIR, { recursive: true });
    // The apps' own logs, for whoever has to find out why a scenario failed.
    const logs: Array<[string, RunningApp | undefined]> = [['ingest-gateway', gateway], ...workers.running()];
    await Promise.all([gateway?.stop(), workers.stop()]);
    for (const [name, app] of logs) if (app) writeFileSync(path.join(REPORT_DIR, `${name}.log`), app.output());
    for (const [name, outputs] of workers.replacedOutputs)
      outputs.forEach((output, i) =>
        writeFileSync(path.join(REPORT_DIR, `${name}.before-restart-${i + 1}.log`), output),
      );
    report['workerRestarts'] = workers.restarts;
    await view?.disconnect();
    writeFileSync(path.join(REPORT_DIR, 'broker-bounce.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`cluster report (.reports/cluster/broker-bounce.json):\n${JSON.stringify(report, null, 2)}`);
  }, 120_000);

  it('should give every event topic and DLQ the staging profile on the cluster: 6 partitions, 3 replicas, min.insync.replicas 2', async () => {
    const partitions = await view.partitions([...ALL_TOPICS, '__consumer_offsets']);
    const shape = (topic: string) => {
      const own = partitions.filter((p) => p.topic === topic);
      return { partitions: own.length, inSync: [...new Set(own.map((p) => p.isr.length))] };
    };
    expect(Object.fromEntries(ALL_TOPICS.map((topic) => [topic, shape(topic)]))).toEqual(
      Object.fromEntries(ALL_TOPICS.map((topic) => [topic, { partitions: 6, inSync: [3] }])),
    );
    expect(shape('__consumer_offsets').inSync).toEqual([3]);
    const configs = await view.kafkaAdmin.describeConfigs({
      resources: ALL_TOPICS.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['min.insync.replicas'],
      })),
      includeSynonyms: false,
    });
    const minIsr = Object.fromEntries(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
    expect(minIsr).toEqual(Object.fromEntries(ALL_TOPICS.map((topic) => [topic, '2'])));
  });

  it('should lose no 202 and apply every event once while the watched partition leader is SIGKILLed 5 times and the active controller once', async () => {
    const failovers: Failover[] = [];
    const outcome = await underLoad('hardBounce', 120_000, async (sender) => {
      for (let round = 1; round <= 5; round++) {
        const leader = await view.leaderOf(WATCHED.topic, WATCHED.partition);
        progress(
          `hard bounce ${round}/5: SIGKILL broker ${leader}, the leader of ${WATCHED.topic}[${WATCHED.partition}]`,
        );
        // Timed from the process's death (`kill` returns once it is gone), not from the signal.
        await killBroker(leader);
        const killedAt = Date.now();
        const electedMs = await view.waitFor(
          [WATCHED.topic],
          (all) => {
            const watched = all.find((p) => p.partition === WATCHED.partition);
            return watched !== undefined && watched.leader >= 0 && watched.leader !== leader;
          },
          `a new leader for ${WATCHED.topic}[${WATCHED.partition}]`,
        );
        await sleep(2_000);
        await startBroker(leader);
        const rejoinMs = await view.waitForFullIsr(ALL_TOPICS);
        await sleep(1_000);
        failovers.push({
          what: `partition leader, round ${round}`,
          node: leader,
          electedMs,
          clientFailoverMs: clientFailover(sender.deliveries, killedAt),
          rejoinMs,
          ...windowStats(sender.deliveries, killedAt, Date.now()),
        });
      }
      const live = brokers[0] as string;
      const controller = await activeController(live);
      progress(`hard bounce: SIGKILL broker ${controller}, the active controller`);
      await killBroker(controller);
      const killedAt = Date.now();
      const survivor = brokers[NODE_IDS.findIndex((id) => id !== controller)] as string;
      const elected = await eventually(
        () => activeController(survivor).catch(() => controller),
        (id) => id !== controller,
        60_000,
        500,
      );
      const electedMs = Date.now() - killedAt;
      expect(elected).not.toBe(controller);
      await sleep(2_000);
      const restartedAt = Date.now();
      await startBroker(controller);
      await view.waitForFullIsr(ALL_TOPICS);
      failovers.push({
        what: 'active controller',
        node: controller,
        electedMs,
        rejoinMs: Date.now() - restartedAt,
        ...windowStats(sender.deliveries, killedAt, Date.now()),
      });
    });
    report['hardBounce'] = { ...(report['hardBounce'] as object), failovers };

    expect(failovers.filter((f) => f.what.startsWith('partition leader'))).toHaveLength(5);
    expect(outcome.summary.accepted202).toBeGreaterThan(RATE_PER_SECOND * 30);
    expect(outcome.lost).toEqual([]);
    await expectAppliedOnce(outcome);
  });

  it('should deliver every webhook to a sender that retries 503s through a rolling restart of all three brokers', async () => {
    const restarts: Array<{
      node: number;
      stopMs: number;
      rejoinMs: number;
      answered503: number;
      produceP99Ms: number;
    }> = [];
    const outcome = await underLoad('rollingRestart', 120_000, async (sender) => {
      for (const node of NODE_IDS) {
        progress(`rolling restart: SIGTERM broker ${node}`);
        const stoppingAt = Date.now();
        await stopBroker(node);
        const stopMs = Date.now() - stoppingAt;
        const restartedAt = Date.now();
        await startBroker(node);
        await view.waitForFullIsr(ALL_TOPICS);
        restarts.push({
          node,
          stopMs,
          rejoinMs: Date.now() - restartedAt,
          ...windowStats(sender.deliveries, stoppingAt, Date.now()),
        });
      }
    });
    report['rollingRestart'] = { ...(report['rollingRestart'] as object), restarts };

    expect(restarts).toHaveLength(3);
    expect(outcome.summary.failedDeliveries).toBe(0);
    expect(outcome.lost).toEqual([]);
    await expectAppliedOnce(outcome);
  });

  it('should answer 503, never 202, while two of three brokers are down, and recover by itself when they return', async () => {
    let window = { downAt: 0, restartAt: 0, recoveredMs: 0 };
    const down = NODE_IDS.slice(1);
    const outcome = await underLoad('twoOfThreeDown', 150_000, async (sender) => {
      progress(`SIGKILL brokers ${down.join(' and ')}`);
      for (const node of down) await killBroker(node);
      const downAt = Date.now();
      await sleep(20_000);
      const restartAt = Date.now();
      await stackSh('up', ...down.map((node) => `kafka-${node}`));
      const recovered = await eventually(
        () => sender.deliveries.flatMap((d) => d.attempts).find((a) => a.sentAt >= restartAt && a.status === 202),
        (attempt) => attempt !== undefined,
        120_000,
        250,
      );
      window = { downAt, restartAt, recoveredMs: recovered ? recovered.answeredAt - restartAt : -1 };
      await view.waitForFullIsr(ALL_TOPICS);
    });
    // Sent after both were gone (plus a second for in-flight writes to fail) and answered before they came back.
    const outage = outcome.load.deliveries
      .flatMap((d) => d.attempts)
      .filter((a) => a.sentAt >= window.downAt + 1_000 && a.answeredAt < window.restartAt);
    const statuses = [...new Set(outage.map((a) => a.status))].sort();
    report['twoOfThreeDown'] = {
      ...(report['twoOfThreeDown'] as object),
      ...window,
      outageAnswers: statuses,
      outageAttempts: outage.length,
    };

    expect(outage.length).toBeGreaterThan(0);
    expect(statuses).not.toContain(202);
    expect(statuses).toContain(503);
    expect(window.recoveredMs).toBeGreaterThanOrEqual(0);
    expect(outcome.summary.failedDeliveries).toBe(0);
    expect(outcome.lost).toEqual([]);
    await expectAppliedOnce(outcome);
  });
});
