import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import {
  EVENT_TYPES,
  REDIS_KEY_SHARDS,
  REDIS_SHARDS,
  redisKeyShardOf,
  type AgentCompletedEvent,
  type DecisionDegradedEvent,
  type DecisionGeneratedEvent,
  type EventType,
  type ExecutionStatus,
  type WorkflowCompletedEvent,
  type WorkflowStartedEvent,
} from '@opal/contracts';
import { defineRedisScripts, type RedisClient } from '@opal/platform-idempotency';
import { DIAGNOSTICS_OPTIONS } from './diagnostics.constants';
import { TurnBatcher } from './turn-batcher';
import { diagnosticsKeys, type DiagnosticsKeys } from '@opal/contracts';
import { nearestRankIndex } from './diagnostics.percentiles';
import { DIAGNOSTICS_SCRIPTS, type DiagnosticsScriptName } from './diagnostics.scripts';
import type {
  AgentStatistics,
  DiagnosticsOptions,
  DiagnosticsSummary,
  WorkflowDiagnostics,
  WorkflowDiagnosticsList,
  WorkflowHealth,
  WorkflowRunStatus,
} from './diagnostics.types';

type ScriptCall = (...keysThenArgs: Array<string | number>) => Promise<unknown>;
type ScriptedRedis = RedisClient & Record<DiagnosticsScriptName, ScriptCall>;

/** What applying a workflow event did, and the workflow as it left it (what detection judges). */
export interface WorkflowApplied {
  /** false for an event applied before (a redelivery): the state is returned untouched. */
  applied: boolean;
  /** null when the workflow is not (or no longer) remembered. */
  workflow: WorkflowDiagnostics | null;
}

/**
 * Agent results applied by one script call at most (of a workflow's, and of an agent's): a key group
 * of one workflow can be a whole fetched batch, and a script runs alone on Redis, so a bound keeps
 * each call short.
 */
export const AGENT_RESULTS_PER_CALL = 200;

/** Event types only counted: no workflow or agent state depends on them. */
export type CountedEventType = 'knowledge.upserted' | 'user.preferences.updated';

/** How an agent execution counts for its workflow: partial results are results, timeouts are failures. */
export type AgentOutcome = 'success' | 'partial' | 'failed';

export function agentOutcomeOf(status: ExecutionStatus): AgentOutcome {
  switch (status) {
    case 'success':
    case 'partial':
      return status;
    case 'failure':
    case 'timeout':
      return 'failed';
    default: {
      const unknown: never = status;
      throw new TypeError(`unknown execution_status ${String(unknown)}`);
    }
  }
}

/**
 * Redis state of the diagnostics worker, under `keyPrefix` (keys: `diagnostics.keys.ts`), on a
 * single node or a Redis Cluster alike. Each `apply*` is one Lua script guarded by the event's
 * applied marker (expiring after `retentionSeconds`), so it applies an event at most once and
 * reports a repeat as not applied; the scripts of workflow events also return the workflow they
 * left, in the same round trip. Every script call takes keys of one shard (one slot); what is kept
 * once per shard is summed or merged here on read, with one command per key issued together (a
 * Cluster client batches them per node), since a pipeline of a Cluster must stay on one node.
 * Redis errors propagate unchanged: the consumer pipeline classifies them and pauses.
 */
@Injectable()
export class DiagnosticsRepository {
  private readonly redis: ScriptedRedis;
  /** Each agent's statistics, one call per agent for all the workflows whose results arrive in one turn. */
  private readonly agentStatisticsBatcher = new TurnBatcher<AgentCompletedEvent>(
    (event) => event.agent_id,
    async (_agentId, events) => {
      for (const slice of slices(events)) await this.applyAgentStatistics(slice);
    },
  );
  private readonly keys: DiagnosticsKeys;

  constructor(
    @InjectRedis() redis: RedisClient,
    @Inject(DIAGNOSTICS_OPTIONS) private readonly options: DiagnosticsOptions,
  ) {
    defineRedisScripts(redis, DIAGNOSTICS_SCRIPTS);
    this.redis = redis as ScriptedRedis;
    this.keys = diagnosticsKeys(options.keyPrefix);
  }

  applyWorkflowStarted(event: WorkflowStartedEvent): Promise<WorkflowApplied> {
    return this.applyToWorkflow('opalDiagnosticsApplyWorkflowStarted', 'workflow.started', event, [
      event.workflow_id,
      event.client_name,
      event.workflow_name,
      epochMs(event.timestamp),
      event.estimated_duration_ms ?? '',
    ]);
  }

  async applyAgentCompleted(event: AgentCompletedEvent): Promise<WorkflowApplied> {
    const [applied] = await this.applyAgentResults([event]);
    return applied as WorkflowApplied;
  }

  /**
   * Agent results of one workflow, in offset order, applied as if one by one. The workflow's part
   * is one script call per `AGENT_RESULTS_PER_CALL` of them, in sequence: a later slice must see
   * the counters the earlier one left. Each agent's statistics, in the agent's shard, are one more
   * call per agent (and per bound), issued beside them and shared with the other workflows' results
   * handed in during the same turn (`TurnBatcher`). Each gets what it did and the workflow as
   * it left it. It settles only when every call has, rejecting with the first failure, so nothing
   * is still running when the pipeline retries one record at a time; whatever a failed attempt
   * applied, its markers keep the retry from applying again.
   */
  async applyAgentResults(events: readonly AgentCompletedEvent[]): Promise<WorkflowApplied[]> {
    const workflowId = events[0]?.workflow_id;
    if (events.some((event) => event.workflow_id !== workflowId))
      throw new TypeError('applyAgentResults takes the agent results of one workflow');
    const toWorkflow = async () => {
      const results: WorkflowApplied[] = [];
      for (const slice of slices(events)) results.push(...(await this.applyAgentResultsToWorkflow(slice)));
      return results;
    };
    const [workflow, agents] = await Promise.allSettled([toWorkflow(), this.agentStatisticsBatcher.add(events)]);
    const failed = [workflow, agents].find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed) throw failed.reason;
    return (workflow as PromiseFulfilledResult<WorkflowApplied[]>).value;
  }

  private async applyAgentResultsToWorkflow(events: readonly AgentCompletedEvent[]): Promise<WorkflowApplied[]> {
    const workflowId = (events[0] as AgentCompletedEvent).workflow_id;
    const { shard, workflow, reasons, workflows, degraded } = this.workflowKeys(workflowId);
    const keys = [
      this.keys.processed(shard),
      this.keys.duplicates(shard),
      workflow,
      reasons,
      workflows,
      degraded,
      ...events.map((event) => this.keys.applied(shard, event.event_id)),
    ];
    const [perEvent, fields, state] = (await this.runWithKeyCount('opalDiagnosticsApplyAgentResults', keys, [
      this.options.retentionSeconds,
      'agent.completed',
      workflowId,
      ...events.map((event) => agentOutcomeOf(event.execution_status)),
    ])) as [number[], string[], string[]];
    const left = workflowFromReply(fields, state);
    return events.map((_, i) => ({
      applied: perEvent[4 * i] === 1,
      // Only the agent counters differ between the states the events left.
      workflow: left && {
        ...left,
        agents: {
          events: perEvent[4 * i + 1] ?? 0,
          completed: perEvent[4 * i + 2] ?? 0,
          failed: perEvent[4 * i + 3] ?? 0,
        },
      },
    }));
  }

  /** Results of one agent, in offset order: its count, success count and most recent samples. */
  private async applyAgentStatistics(events: readonly AgentCompletedEvent[]): Promise<void> {
    const agentId = (events[0] as AgentCompletedEvent).agent_id;
    const shard = redisKeyShardOf(agentId);
    const keys = [
      this.keys.agents(shard),
      this.keys.agent(agentId),
      this.keys.samples(agentId),
      this.keys.recent(agentId),
      ...events.map((event) => this.keys.agentApplied(shard, event.event_id)),
    ];
    await this.runWithKeyCount('opalDiagnosticsApplyAgentStatistics', keys, [
      this.options.retentionSeconds,
      agentId,
      this.options.maxSamplesPerAgent,
      ...events.flatMap((event) => [event.event_id, agentOutcomeOf(event.execution_status), event.processing_time_ms]),
    ]);
  }

  /** Runs a script whose key count varies: the count goes first (on a Cluster, see `defineRedisScripts`). */
  private runWithKeyCount(
    script: DiagnosticsScriptName,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return this.redis[script](keys.length, ...keys, ...args);
  }

  applyWorkflowCompleted(event: WorkflowCompletedEvent): Promise<WorkflowApplied> {
    return this.applyToWorkflow('opalDiagnosticsApplyWorkflowCompleted', 'workflow.completed', event, [
      event.workflow_id,
      event.status,
      epochMs(event.timestamp),
      event.total_duration_ms,
      event.agents_completed,
      event.agents_failed,
    ]);
  }

  applyDecisionGenerated(event: DecisionGeneratedEvent): Promise<WorkflowApplied> {
    return this.applyToWorkflow('opalDiagnosticsApplyDecisionGenerated', 'decision.generated', event, [
      event.workflow_id,
      event.decision_id,
      String(event.overall_confidence),
      epochMs(event.timestamp),
      event.client_name,
    ]);
  }

  /** A degradation found by anyone (this worker's own alerts come back too) marks the workflow degraded by its metric. */
  applyDecisionDegraded(event: DecisionDegradedEvent): Promise<boolean> {
    const { shard, workflow, reasons, workflows, degraded } = this.workflowKeys(event.workflow_id);
    return this.applyOnce(
      'opalDiagnosticsApplyDecisionDegraded',
      'decision.degraded',
      shard,
      event.event_id,
      [workflow, workflows, reasons, degraded],
      [event.workflow_id, event.metric],
    );
  }

  /** Counted in the shard of its event_id: no workflow gives these events one. */
  applyCounted(eventType: CountedEventType, eventId: string): Promise<boolean> {
    return this.applyOnce('opalDiagnosticsApplyCounted', eventType, redisKeyShardOf(eventId), eventId, [], []);
  }

  /**
   * Marks the workflow degraded by `metric` and takes the metric's alert guard for `token` (the
   * causing event_id) for `leaseMs` (`alertLeaseMs` by default).
   * @returns true when the guard was free or already `token`'s: the caller must publish, then
   *   `completeAlert` or `releaseAlert`. False when the alert was sent or another event holds it.
   */
  async markDegradedAndClaimAlert(
    workflowId: string,
    metric: string,
    token: string,
    leaseMs = this.options.alertLeaseMs,
  ): Promise<boolean> {
    const { workflow, reasons, workflows, degraded } = this.workflowKeys(workflowId);
    const reply = await this.redis.opalDiagnosticsMarkDegradedAndClaimAlert(
      workflow,
      workflows,
      reasons,
      degraded,
      this.keys.alert(metric, workflowId),
      workflowId,
      metric,
      token,
      leaseMs,
      this.options.retentionSeconds,
    );
    return reply === 1;
  }

  /** Records the alert `token` guards as sent (for the retention); false when `token` no longer held the guard. */
  async completeAlert(workflowId: string, metric: string, token: string): Promise<boolean> {
    const reply = await this.redis.opalDiagnosticsCompleteAlert(
      this.keys.alert(metric, workflowId),
      token,
      this.options.retentionSeconds,
    );
    return reply === 1;
  }

  /** Frees the alert guard `token` holds, so the next attempt publishes; false when `token` held none. */
  async releaseAlert(workflowId: string, metric: string, token: string): Promise<boolean> {
    const reply = await this.redis.opalDiagnosticsReleaseAlert(this.keys.alert(metric, workflowId), token);
    return reply === 1;
  }

  /** null when the workflow is not (or no longer) remembered. */
  async findWorkflow(workflowId: string): Promise<WorkflowDiagnostics | null> {
    const [hash, reasons] = await Promise.all([
      this.redis.hgetall(this.keys.workflow(workflowId)),
      this.redis.smembers(this.keys.reasons(workflowId)),
    ]);
    return workflowFromHash(hash, reasons);
  }

  /**
   * Up to `limit` remembered workflows: the degraded ones first, then the others, each by most recent
   * activity; with the counts the summary reports. Each activity index is read as one (`MergedIndex`:
   * a merge of its shards by score). Usually two rounds of calls: the counts and the first page of
   * every shard of both indexes, then the workflows. An index entry whose hash has expired takes no
   * place: while the list is short of `limit`, the index it fills from is read on.
   */
  async listWorkflows(limit: number, now = Date.now()): Promise<WorkflowDiagnosticsList> {
    const remembered = this.rememberedSince(now);
    // Twice a shard's even share of the list, and a few: an uneven spread seldom needs a second read.
    const firstPage = Math.min(limit, 2 * Math.ceil(limit / REDIS_KEY_SHARDS) + 4);
    const degradedIndex = new MergedIndex(this.redis, this.keys.degradedWorkflows, remembered, firstPage);
    const recentIndex = new MergedIndex(this.redis, this.keys.workflows, remembered, firstPage);
    const [{ total, degraded }] = await Promise.all([
      this.workflowCounts(remembered),
      degradedIndex.readOn(),
      recentIndex.readOn(),
    ]);

    const workflows: WorkflowDiagnostics[] = [];
    const taken = new Set<string>();
    const take = async (ids: readonly string[]) => {
      const unseen = [...new Set(ids)].filter((id) => !taken.has(id));
      for (const id of unseen) taken.add(id);
      const found = await Promise.all(unseen.map((id) => this.findWorkflow(id)));
      for (const workflow of found) if (workflow && workflows.length < limit) workflows.push(workflow);
    };
    const first = await degradedIndex.take(limit);
    // Every degraded workflow is in hand: one read takes them and the most recent others.
    await take(degradedIndex.drained ? [...first, ...(await recentIndex.take(limit))] : first);
    for (const index of [degradedIndex, recentIndex])
      while (workflows.length < limit && !index.drained) await take(await index.take(limit - workflows.length));
    return { workflows, total, degraded };
  }

  /** Counters and counts of every shard, summed; workflows count while they are remembered (active within the retention, as their hashes). */
  async summary(now = Date.now()): Promise<DiagnosticsSummary> {
    const { keys } = this;
    const [processed, duplicates, workflows, agentIds] = await Promise.all([
      Promise.all(REDIS_SHARDS.map((shard) => this.redis.hgetall(keys.processed(shard)))),
      Promise.all(REDIS_SHARDS.map((shard) => this.redis.hgetall(keys.duplicates(shard)))),
      this.workflowCounts(this.rememberedSince(now)),
      Promise.all(REDIS_SHARDS.map((shard) => this.redis.smembers(keys.agents(shard)))),
    ]);
    const eventsByType = countsByType(processed);
    const duplicatesByType = countsByType(duplicates);
    return {
      totalEventsProcessed: sum(eventsByType),
      duplicatesSkipped: sum(duplicatesByType),
      eventsByType,
      duplicatesByType,
      workflowsByHealth: { healthy: workflows.total - workflows.degraded, degraded: workflows.degraded },
      agents: await Promise.all([...new Set(agentIds.flat())].sort().map((agentId) => this.agentStatistics(agentId))),
    };
  }

  /** Workflows remembered (active since `remembered`), and of them the degraded, over every shard. */
  private async workflowCounts(remembered: number): Promise<{ total: number; degraded: number }> {
    const count = (index: (shard: number) => string) =>
      Promise.all(REDIS_SHARDS.map((shard) => this.redis.zcount(index(shard), remembered, '+inf'))).then((counts) =>
        counts.reduce((total, n) => total + n, 0),
      );
    const [total, degraded] = await Promise.all([count(this.keys.workflows), count(this.keys.degradedWorkflows)]);
    return { total, degraded };
  }

  /** The keys every workflow script touches: the workflow's, and its shard's activity indexes. */
  private workflowKeys(workflowId: string) {
    const shard = redisKeyShardOf(workflowId);
    return {
      shard,
      workflow: this.keys.workflow(workflowId),
      reasons: this.keys.reasons(workflowId),
      workflows: this.keys.workflows(shard),
      degraded: this.keys.degradedWorkflows(shard),
    };
  }

  /** The oldest last activity (epoch ms) of a workflow still remembered at `now`. */
  private rememberedSince(now: number): number {
    return now - this.options.retentionSeconds * 1000;
  }

  private async agentStatistics(agentId: string): Promise<AgentStatistics> {
    const samples = this.keys.samples(agentId);
    const [counts, sampleCount] = await Promise.all([
      this.redis.hmget(this.keys.agent(agentId), 'count', 'success'),
      this.redis.zcard(samples),
    ]);
    const [count, success] = counts.map((value) => Number(value ?? 0));
    const ranks = [nearestRankIndex(sampleCount, 50), nearestRankIndex(sampleCount, 95)];
    const [p50, p95] = await Promise.all(
      ranks.map((rank) => (rank === null ? null : this.redis.zrange(samples, rank, rank, 'WITHSCORES').then(scoreOf))),
    );
    return {
      agentId,
      count: count ?? 0,
      successRate: count ? (success ?? 0) / count : 0,
      p50ProcessingTimeMs: p50 ?? null,
      p95ProcessingTimeMs: p95 ?? null,
    };
  }

  private async applyOnce(
    script: DiagnosticsScriptName,
    eventType: EventType,
    shard: number,
    eventId: string,
    keys: string[],
    args: Array<string | number>,
  ): Promise<boolean> {
    const reply = await this.redis[script](...this.scriptPrefix(eventType, shard, eventId, keys), ...args);
    return reply === 1;
  }

  /** An apply script of a workflow event, run in the workflow's shard: it replies with the state the event left (see the scripts). */
  private async applyToWorkflow(
    script: DiagnosticsScriptName,
    eventType: EventType,
    event: { event_id: string; workflow_id: string },
    args: Array<string | number>,
  ): Promise<WorkflowApplied> {
    const { shard, workflow, reasons, workflows, degraded } = this.workflowKeys(event.workflow_id);
    const [applied, fields, state] = (await this.redis[script](
      ...this.scriptPrefix(eventType, shard, event.event_id, [workflow, reasons, workflows, degraded]),
      ...args,
    )) as [number, string[], string[]];
    return { applied: applied === 1, workflow: workflowFromReply(fields, state) };
  }

  /** KEYS[1..3] and ARGV[1..2] every apply script starts with, around the script's own keys: all of `shard`. */
  private scriptPrefix(eventType: EventType, shard: number, eventId: string, keys: string[]): Array<string | number> {
    return [
      this.keys.applied(shard, eventId),
      this.keys.processed(shard),
      this.keys.duplicates(shard),
      ...keys,
      this.options.retentionSeconds,
      eventType,
    ];
  }
}

/** Where the merge stands in one shard's sorted set. */
interface ShardCursor {
  key: string;
  /** Read but not yet taken: [member, score], in the set's order. */
  buffered: Array<[string, number]>;
  /** How many members were read (the offset of the next read). */
  read: number;
  /** The size of the next read. */
  page: number;
  /** False once a read came back short: the set holds no more. */
  more: boolean;
}

/**
 * One activity index, kept per shard, read as if it were one sorted set: most recent first, ties
 * in the order Redis gives one sorted set (the greater member first). It merges the shards' sets by
 * score, reading each in pages of members `WITHSCORES`; a shard is read again only when the merge
 * has used up what it read of it and the shard may hold more, in a page twice the last (a shard
 * read on is a busy one). The shards waiting for a read are read together.
 */
class MergedIndex {
  private readonly shards: ShardCursor[];

  constructor(
    private readonly redis: RedisClient,
    indexKey: (shard: number) => string,
    private readonly since: number,
    firstPage: number,
  ) {
    this.shards = REDIS_SHARDS.map((shard) => ({
      key: indexKey(shard),
      buffered: [],
      read: 0,
      page: firstPage,
      more: true,
    }));
  }

  /** True once every member has been taken. */
  get drained(): boolean {
    return this.shards.every((shard) => !shard.more && shard.buffered.length === 0);
  }

  /** The next `count` members at most, in index order. */
  async take(count: number): Promise<string[]> {
    const taken: string[] = [];
    while (taken.length < count) {
      await this.readOn();
      let head: ShardCursor | undefined;
      for (const shard of this.shards) if (shard.buffered.length > 0 && (!head || before(shard, head))) head = shard;
      const next = head?.buffered.shift();
      if (!next) break;
      taken.push(next[0]);
    }
    return taken;
  }

  /** Reads the next page of every shard the merge waits for: it has taken all read of it and there may be more. */
  async readOn(): Promise<void> {
    const waiting = this.shards.filter((shard) => shard.more && shard.buffered.length === 0);
    await Promise.all(
      waiting.map(async (shard) => {
        const reply = await this.redis.zrevrangebyscore(
          shard.key,
          '+inf',
          this.since,
          'WITHSCORES',
          'LIMIT',
          shard.read,
          shard.page,
        );
        for (let i = 0; i + 1 < reply.length; i += 2) shard.buffered.push([reply[i] as string, Number(reply[i + 1])]);
        shard.read += reply.length / 2;
        shard.more = reply.length / 2 === shard.page;
        shard.page *= 2;
      }),
    );
  }
}

/** Whether shard `a`'s next member comes before shard `b`'s (both have one). */
function before(a: ShardCursor, b: ShardCursor): boolean {
  const [memberA, scoreA] = a.buffered[0] as [string, number];
  const [memberB, scoreB] = b.buffered[0] as [string, number];
  return scoreA !== scoreB ? scoreA > scoreB : memberA > memberB;
}

/** Consecutive runs of at most `AGENT_RESULTS_PER_CALL` events, in order. */
function slices<T>(events: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let first = 0; first < events.length; first += AGENT_RESULTS_PER_CALL)
    runs.push(events.slice(first, first + AGENT_RESULTS_PER_CALL));
  return runs;
}

/** A script's `HGETALL` (flat field, value, …) and `SMEMBERS` replies as the workflow they describe; null when it has no hash. */
function workflowFromReply(flatFields: string[], reasons: string[]): WorkflowDiagnostics | null {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flatFields.length; i += 2) hash[flatFields[i] as string] = flatFields[i + 1] as string;
  return workflowFromHash(hash, reasons);
}

/** A workflow's hash and reasons as the workflow they describe; null when it has no hash (unknown or expired). */
function workflowFromHash(hash: Record<string, string>, reasons: readonly string[]): WorkflowDiagnostics | null {
  if (hash['workflow_id'] === undefined) return null;
  return toWorkflowDiagnostics(hash, [...reasons].sort());
}

function epochMs(value: number): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`timestamp must be an integer (epoch ms), got ${String(value)}`);
  return value;
}

/** The counter hashes of every shard, summed by type. */
function countsByType(hashes: ReadonlyArray<Record<string, string>>): Record<EventType, number> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [type, hashes.reduce((total, hash) => total + Number(hash[type] ?? 0), 0)]),
  ) as Record<EventType, number>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);

/** A `ZRANGE i i WITHSCORES` reply is `[member, score]`; the sample may have been trimmed in between. */
function scoreOf(reply: unknown): number | null {
  const score = (reply as string[])[1];
  return score === undefined ? null : Number(score);
}

const numberOrNull = (value: string | undefined) => (value === undefined ? null : Number(value));

function toWorkflowDiagnostics(hash: Record<string, string>, reasons: string[]): WorkflowDiagnostics {
  const reportedCompleted = numberOrNull(hash['reported_agents_completed']);
  const lastDecisionId = hash['last_decision_id'];
  return {
    workflowId: hash['workflow_id'] ?? '',
    clientName: hash['client_name'] ?? null,
    workflowName: hash['workflow_name'] ?? null,
    status: (hash['status'] ?? 'running') as WorkflowRunStatus,
    startedAt: numberOrNull(hash['started_at']),
    completedAt: numberOrNull(hash['completed_at']),
    estimatedDurationMs: numberOrNull(hash['estimated_duration_ms']),
    totalDurationMs: numberOrNull(hash['total_duration_ms']),
    agents: {
      events: Number(hash['agent_events'] ?? 0),
      completed: Number(hash['agents_completed'] ?? 0),
      failed: Number(hash['agents_failed'] ?? 0),
    },
    reportedAgents:
      reportedCompleted === null
        ? null
        : { completed: reportedCompleted, failed: Number(hash['reported_agents_failed'] ?? 0) },
    lastDecision:
      lastDecisionId === undefined
        ? null
        : {
            decisionId: lastDecisionId,
            overallConfidence: Number(hash['last_decision_confidence']),
            at: Number(hash['last_decision_at']),
          },
    health: (hash['health'] ?? 'healthy') as WorkflowHealth,
    degradedReasons: reasons,
  };
}
