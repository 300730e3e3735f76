import { fixtureData } from '@opal/contracts/testing';
import { eventually, type RunningApp } from '@opal/platform-runtime/testing';
import type { Admin } from 'kafkajs';
import { AGENT_TOPIC, DECISION_TOPIC, DIAGNOSTICS_GROUP, RECOMMENDATIONS_GROUP, groupCaughtUp } from './applied-once';
import type { FailoverApps } from './failover-apps';
import { watchHeldCommits, type HeldCommits } from './group-offsets';
import { readiness, type Readiness } from './readiness';
import { WebhookLoad, attemptsBetween, type Delivery, type LoadOptions } from './webhook-load';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every fourth delivery of a failover load is a decision, which both workers consume; the others are agent results. */
const DECISION_EVERY = 4;

/**
 * The events of a Redis failover test's load, ids tagged with `tag` (unique per run): agent
 * results spread over `workflows` workflows and `agents` agents, and decisions for a few users.
 */
export function failoverEventOf(tag: string, workflows: number, agents: number): LoadOptions['eventOf'] {
  return (n) => {
    const workflow_id = `wf-${tag}-${n % workflows}`;
    if (n % DECISION_EVERY === DECISION_EVERY - 1)
      return {
        type: 'decision.generated',
        data: { ...fixtureData('decision.generated'), decision_id: `dec-${tag}-${n}`, workflow_id, user_id: `user-${tag}-${n % 7}` },
      };
    return {
      type: 'agent.completed',
      data: { ...fixtureData('agent.completed'), workflow_id, agent_id: `agent-${tag}-${n % agents}`, offset: n, execution_status: 'success' },
    };
  };
}

/** The diagnostics summary's applied counts by event type, summed over every shard by the worker. */
export async function appliedByType(diagnostics: RunningApp): Promise<Record<string, number>> {
  const response = await fetch(`${diagnostics.baseUrl}/v1/diagnostics/summary`);
  return ((await response.json()) as { eventsByType: Record<string, number> }).eventsByType;
}

/** The deliveries of `type` the gateway accepted. */
const acceptedOf = (deliveries: Delivery[], type: string) => deliveries.filter((d) => d.delivered && d.type === type);

/** What both workers made of a failover load's accepted deliveries, once they caught up. */
export interface AppliedOnce {
  /** Agent results accepted per workflow, and what the diagnostics worker applied of them. */
  expected: Record<string, number>;
  applied: Record<string, number>;
  /** Growth of the summary's counts from `countsBefore`: applied once each, whatever the shard. */
  agentResultsCounted: number;
  decisionsCounted: number;
  /** The recommendations worker's answer for each accepted decision (200: its set is stored). */
  decisionStatuses: number[];
  caughtUp: boolean;
  figures: {
    agentResultsDelivered: number;
    agentResultsAppliedOnce: number;
    lost: number;
    appliedTwice: number;
    decisionsDelivered: number;
    decisionsStored: number;
  };
}

/**
 * Waits for the workers to apply what the gateway accepted and catch up, then reads back what
 * they applied: per workflow from diagnostics, the counters' growth since `countsBefore`, and
 * every decision from recommendations (omit it for a test that runs diagnostics alone).
 */
export async function settleAppliedOnce(options: {
  admin: Admin;
  diagnostics: RunningApp;
  recommendations?: RunningApp;
  deliveries: Delivery[];
  countsBefore: Record<string, number>;
}): Promise<AppliedOnce> {
  const { admin, diagnostics, recommendations, deliveries, countsBefore } = options;
  const agentResults = acceptedOf(deliveries, 'agent.completed');
  const decisions = acceptedOf(deliveries, 'decision.generated');
  const expected: Record<string, number> = {};
  for (const d of agentResults) expected[d.data['workflow_id'] as string] = (expected[d.data['workflow_id'] as string] ?? 0) + 1;
  const counted = async () => {
    const perWorkflow: Record<string, number> = {};
    for (const workflow of Object.keys(expected)) {
      const response = await fetch(`${diagnostics.baseUrl}/v1/diagnostics/workflows/${workflow}`);
      perWorkflow[workflow] = response.ok ? ((await response.json()) as { agents?: { events?: number } }).agents?.events ?? 0 : 0;
    }
    return perWorkflow;
  };
  const applied = await eventually(counted, (now) => Object.keys(expected).every((w) => (now[w] ?? 0) >= (expected[w] ?? 0)), 120_000, 1_000);
  const caughtUp = await eventually(
    async () =>
      (await groupCaughtUp(admin, DIAGNOSTICS_GROUP, [AGENT_TOPIC, DECISION_TOPIC])) &&
      (!recommendations || (await groupCaughtUp(admin, RECOMMENDATIONS_GROUP, [DECISION_TOPIC]))),
    Boolean,
    90_000,
    500,
  );
  const countsAfter = await appliedByType(diagnostics);
  const growth = (type: string) => (countsAfter[type] ?? 0) - (countsBefore[type] ?? 0);
  const decisionStatuses = recommendations
    ? await Promise.all(
        decisions.map(async (d) => (await fetch(`${recommendations.baseUrl}/v1/recommendations/${d.data['decision_id']}`)).status),
      )
    : [];
  const workflows = Object.keys(expected);
  return {
    expected,
    applied,
    agentResultsCounted: growth('agent.completed'),
    decisionsCounted: growth('decision.generated'),
    decisionStatuses,
    caughtUp,
    figures: {
      agentResultsDelivered: agentResults.length,
      agentResultsAppliedOnce: Object.values(applied).reduce((sum, n) => sum + n, 0),
      lost: workflows.reduce((sum, w) => sum + Math.max(0, (expected[w] ?? 0) - (applied[w] ?? 0)), 0),
      appliedTwice: workflows.reduce((sum, w) => sum + Math.max(0, (applied[w] ?? 0) - (expected[w] ?? 0)), 0),
      decisionsDelivered: decisions.length,
      decisionsStored: decisionStatuses.filter((status) => status === 200).length,
    },
  };
}

/**
 * The guarantee of a Redis failover under load: while the promoted primary had no replica no
 * worker committed, though events kept arriving; every delivery was accepted in the end (the
 * sender retries); and both workers applied each accepted event exactly once.
 */
export function expectAppliedOnceThroughFailover(
  { held, outcome, deliveries }: { held: HeldCommits; outcome: AppliedOnce; deliveries: Delivery[] },
  load: { ratePerSecond: number; aroundKillMs: number },
): void {
  expect(held.agentTopicEnd).toBeGreaterThan((held.heldFrom[0] as number) + load.ratePerSecond);
  expect(held.heldUntil).toEqual(held.heldFrom);
  // Load before the kill, through the hold, and half as long after the restart.
  expect(deliveries.length).toBeGreaterThan(load.ratePerSecond * ((2.5 * load.aroundKillMs) / 1000) * 0.8);
  expect(deliveries.filter((d) => !d.delivered)).toEqual([]);
  // Diagnostics: per workflow, and in the counters summed over every shard.
  expect(outcome.applied).toEqual(outcome.expected);
  expect(outcome.agentResultsCounted).toBe(outcome.figures.agentResultsDelivered);
  expect(outcome.decisionsCounted).toBe(outcome.figures.decisionsDelivered);
  // Recommendations: every decision's personalised set stored (first write wins, so never twice).
  expect(outcome.figures.decisionsDelivered).toBeGreaterThan(0);
  expect(outcome.decisionStatuses.filter((status) => status !== 200)).toEqual([]);
  expect(outcome.caughtUp).toBe(true);
}

/** How a failover test kills a primary, sees its replica promoted and brings the killed node back. */
export interface FailoverSteps {
  /** With the load running, before the kill: figures to report (e.g. keys per primary). */
  beforeKill?: () => Promise<Record<string, unknown>>;
  /** SIGKILLs the primary; returns `stack.sh`'s name for the node and the primary's address. */
  kill: () => Promise<{ node: string; primary: string }>;
  /** Resolves once a replica took over from `killedPrimary`, with the topology after it and how an app's readiness shows it follows. */
  promotion: (killedPrimary: string) => Promise<{ after: unknown; followed: (answer: Readiness) => boolean }>;
  /** Brings the killed node back: it returns as the promoted node's replica. */
  restart: (node: string) => Promise<unknown>;
}

export interface FailoverLoad {
  apps: FailoverApps;
  admin: Admin;
  secret: string;
  /** Unique per run: every id of the load carries it. */
  tag: string;
  ratePerSecond: number;
  /** Load before the kill, and the hold while the promoted primary has no replica. */
  aroundKillMs: number;
  workflows: number;
  agents: number;
  progress: (line: string) => void;
  /** Stopped by the caller's afterAll too, should the test fail midway. */
  loads: WebhookLoad[];
}

/**
 * A steady signed-webhook load through the gateway while `steps` kill a Redis primary: waits for
 * the promotion and for every app to follow it, watches the workers' commits held back while the
 * promoted node has no replica, restarts the killed node, and settles what both workers applied.
 * Returns the report's figures and what `expectAppliedOnceThroughFailover` checks.
 */
export async function failoverUnderLoad(load: FailoverLoad, steps: FailoverSteps) {
  const { apps, admin, progress } = load;
  const webhooks = new WebhookLoad({
    url: `${apps.gateway.baseUrl}/v1/webhooks/opal`,
    secret: load.secret,
    ratePerSecond: load.ratePerSecond,
    eventOf: failoverEventOf(load.tag, load.workflows, load.agents),
    // A sender that retries: 503s while no primary answers are allowed, a lost delivery is not.
    retryForMs: 90_000,
  });
  const countsBefore = await appliedByType(apps.diagnostics);
  webhooks.start();
  load.loads.push(webhooks);
  await sleep(load.aroundKillMs);
  const beforeKill = (await steps.beforeKill?.()) ?? {};

  const killedAt = Date.now();
  const { node, primary } = await steps.kill();
  progress(`SIGKILLed ${node} (${primary}) under ${load.ratePerSecond} deliveries/s`);
  const { after, followed } = await steps.promotion(primary);
  const promotedMs = Date.now() - killedAt;
  progress(`promoted after ${promotedMs} ms: ${JSON.stringify(after)}`);
  const followedAfter = async (app: RunningApp) =>
    (await eventually(() => readiness(app).catch(() => undefined), (answer) => answer !== undefined && followed(answer), 60_000, 100)) &&
    Date.now() - killedAt;
  const appsFollowedMs = Object.fromEntries(
    await Promise.all(Object.entries(apps).map(async ([name, app]) => [name, await followedAfter(app)] as const)),
  );

  // The promoted node has no replica: the workers may apply, but must not commit what no replica holds.
  const held = await watchHeldCommits(admin, load.aroundKillMs, async () => {
    progress(`restarting ${node}`);
    await steps.restart(node);
  });
  await sleep(load.aroundKillMs / 2);
  await webhooks.stop();

  const outcome = await settleAppliedOnce({ admin, ...apps, deliveries: webhooks.deliveries, countsBefore });
  const attempts = attemptsBetween(webhooks.deliveries, killedAt, Date.now());
  const figures = {
    ...beforeKill,
    killed: node,
    primaryBefore: primary,
    primaryAfter: after,
    promotedMs,
    appsFollowedMs,
    committedWithoutReplica: held.heldUntil.map((offset, i) => offset - (held.heldFrom[i] as number)),
    agentTopicGrewWithoutReplica: held.agentTopicEnd - (held.heldFrom[0] as number),
    commitsResumedAfterRestartMs: held.commitsResumedAfterRestartMs,
    deliveries: webhooks.deliveries.length,
    delivered: webhooks.deliveries.filter((d) => d.delivered).length,
    answered503AfterKill: attempts.filter((a) => a.status === 503).length,
    ...outcome.figures,
  };
  progress(`failover: ${JSON.stringify(figures)}`);
  return { figures, held, outcome, deliveries: webhooks.deliveries };
}
