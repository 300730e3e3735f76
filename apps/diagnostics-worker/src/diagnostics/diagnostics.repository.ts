import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import type { ChainableCommander, Redis } from 'ioredis';
import {
  EVENT_TYPES,
  type AgentCompletedEvent,
  type DecisionDegradedEvent,
  type DecisionGeneratedEvent,
  type EventType,
  type ExecutionStatus,
  type WorkflowCompletedEvent,
  type WorkflowStartedEvent,
} from '@opal/contracts';
import { DIAGNOSTICS_OPTIONS } from './diagnostics.constants';
import { diagnosticsKeys, type DiagnosticsKeys } from './diagnostics.keys';
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
type ScriptedRedis = Redis & Record<DiagnosticsScriptName, ScriptCall>;

/** What applying a workflow event did, and the workflow as it left it (what detection judges). */
export interface WorkflowApplied {
  /** false for an event applied before (a redelivery): the state is returned untouched. */
  applied: boolean;
  /** null when the workflow is not (or no longer) remembered. */
  workflow: WorkflowDiagnostics | null;
}

/**
 * Agent results applied by one script call at most: a key group of one workflow can be a whole
 * fetched batch, and a script runs alone on Redis, so a bound keeps each call short.
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
 * Redis state of the diagnostics worker, under `keyPrefix` (keys: `diagnostics.keys.ts`). Each
 * `apply*` is one Lua script guarded by the event's applied marker (`applied:<event_id>`, expiring
 * after `retentionSeconds`), so it applies an event at most once and reports a repeat as not
 * applied; the scripts of workflow events also return the workflow they left, in the same round trip.
 * Redis errors propagate unchanged: the consumer pipeline classifies them and pauses.
 */
@Injectable()
export class DiagnosticsRepository {
  private readonly redis: ScriptedRedis;
  private readonly keys: DiagnosticsKeys;

  constructor(
    @InjectRedis() redis: Redis,
    @Inject(DIAGNOSTICS_OPTIONS) private readonly options: DiagnosticsOptions,
  ) {
    for (const [name, definition] of Object.entries(DIAGNOSTICS_SCRIPTS)) redis.defineCommand(name, definition);
    this.redis = redis as ScriptedRedis;
    this.keys = diagnosticsKeys(options.keyPrefix);
  }

  applyWorkflowStarted(event: WorkflowStartedEvent): Promise<WorkflowApplied> {
    const { keys } = this;
    return this.applyToWorkflow(
      'opalDiagnosticsApplyWorkflowStarted',
      'workflow.started',
      event.event_id,
      event.workflow_id,
      [keys.workflows, keys.degradedWorkflows],
      [
        event.workflow_id,
        event.client_name,
        event.workflow_name,
        epochMs(event.timestamp),
        event.estimated_duration_ms ?? '',
      ],
    );
  }

  async applyAgentCompleted(event: AgentCompletedEvent): Promise<WorkflowApplied> {
    const [applied] = await this.applyAgentResults([event]);
    return applied as WorkflowApplied;
  }

  /**
   * Agent results of one workflow, in offset order, applied as if one by one: one script call per
   * `AGENT_RESULTS_PER_CALL` of them. Each gets what it did and the workflow as it left it.
   */
  async applyAgentResults(events: readonly AgentCompletedEvent[]): Promise<WorkflowApplied[]> {
    const workflowId = events[0]?.workflow_id;
    if (events.some((event) => event.workflow_id !== workflowId))
      throw new TypeError('applyAgentResults takes the agent results of one workflow');
    const results: WorkflowApplied[] = [];
    // In sequence: a later slice must see the counters the earlier one left.
    for (let first = 0; first < events.length; first += AGENT_RESULTS_PER_CALL)
      results.push(...(await this.applyAgentResultsOnce(events.slice(first, first + AGENT_RESULTS_PER_CALL))));
    return results;
  }

  private async applyAgentResultsOnce(events: readonly AgentCompletedEvent[]): Promise<WorkflowApplied[]> {
    const { keys } = this;
    const workflowId = (events[0] as AgentCompletedEvent).workflow_id;
    const eventKeys: string[] = [];
    const eventArgs: Array<string | number> = [];
    for (const event of events) {
      eventKeys.push(
        keys.applied(event.event_id),
        keys.agent(event.agent_id),
        keys.samples(event.agent_id),
        keys.recent(event.agent_id),
      );
      eventArgs.push(event.agent_id, event.event_id, agentOutcomeOf(event.execution_status), event.processing_time_ms);
    }
    const sharedKeys = [
      keys.processed,
      keys.duplicates,
      keys.workflow(workflowId),
      keys.reasons(workflowId),
      keys.workflows,
      keys.agents,
      keys.degradedWorkflows,
    ];
    const [perEvent, fields, reasons] = (await this.redis.opalDiagnosticsApplyAgentResults(
      sharedKeys.length + eventKeys.length,
      ...sharedKeys,
      ...eventKeys,
      this.options.retentionSeconds,
      'agent.completed',
      workflowId,
      this.options.maxSamplesPerAgent,
      ...eventArgs,
    )) as [number[], string[], string[]];
    const workflow = workflowFromReply(fields, reasons);
    return events.map((_, i) => ({
      applied: perEvent[4 * i] === 1,
      // Only the agent counters differ between the states the events left.
      workflow: workflow && {
        ...workflow,
        agents: {
          events: perEvent[4 * i + 1] ?? 0,
          completed: perEvent[4 * i + 2] ?? 0,
          failed: perEvent[4 * i + 3] ?? 0,
        },
      },
    }));
  }

  applyWorkflowCompleted(event: WorkflowCompletedEvent): Promise<WorkflowApplied> {
    const { keys } = this;
    return this.applyToWorkflow(
      'opalDiagnosticsApplyWorkflowCompleted',
      'workflow.completed',
      event.event_id,
      event.workflow_id,
      [keys.workflows, keys.degradedWorkflows],
      [
        event.workflow_id,
        event.status,
        epochMs(event.timestamp),
        event.total_duration_ms,
        event.agents_completed,
        event.agents_failed,
      ],
    );
  }

  applyDecisionGenerated(event: DecisionGeneratedEvent): Promise<WorkflowApplied> {
    const { keys } = this;
    return this.applyToWorkflow(
      'opalDiagnosticsApplyDecisionGenerated',
      'decision.generated',
      event.event_id,
      event.workflow_id,
      [keys.workflows, keys.degradedWorkflows],
      [
        event.workflow_id,
        event.decision_id,
        String(event.overall_confidence),
        epochMs(event.timestamp),
        event.client_name,
      ],
    );
  }

  /** A degradation found by anyone (this worker's own alerts come back too) marks the workflow degraded by its metric. */
  applyDecisionDegraded(event: DecisionDegradedEvent): Promise<boolean> {
    const { keys } = this;
    return this.applyOnce(
      'opalDiagnosticsApplyDecisionDegraded',
      'decision.degraded',
      event.event_id,
      [keys.workflow(event.workflow_id), keys.workflows, keys.reasons(event.workflow_id), keys.degradedWorkflows],
      [event.workflow_id, event.metric],
    );
  }

  applyCounted(eventType: CountedEventType, eventId: string): Promise<boolean> {
    return this.applyOnce('opalDiagnosticsApplyCounted', eventType, eventId, [], []);
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
    const { keys } = this;
    const reply = await this.redis.opalDiagnosticsMarkDegradedAndClaimAlert(
      keys.workflow(workflowId),
      keys.workflows,
      keys.reasons(workflowId),
      keys.degradedWorkflows,
      keys.alert(metric, workflowId),
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

  async findWorkflow(workflowId: string): Promise<WorkflowDiagnostics | null> {
    const [workflow] = await this.readWorkflows([workflowId]);
    return workflow ?? null;
  }

  /**
   * Up to `limit` remembered workflows: the degraded ones first, then the others, each by most recent
   * activity; with the counts the summary reports. Usually two round trips: the counts and the first
   * page of each index, then the workflows in one pipeline. An index entry whose hash has expired
   * takes no place: while the list is short of `limit`, the index it fills from is read on.
   */
  async listWorkflows(limit: number, now = Date.now()): Promise<WorkflowDiagnosticsList> {
    const { keys } = this;
    const remembered = this.rememberedSince(now);
    const [total, degraded, degradedPage, recentPage] = (await execAll(
      this.redis
        .pipeline()
        .zcount(keys.workflows, remembered, '+inf')
        .zcount(keys.degradedWorkflows, remembered, '+inf')
        .zrevrangebyscore(keys.degradedWorkflows, '+inf', remembered, 'LIMIT', 0, limit)
        .zrevrangebyscore(keys.workflows, '+inf', remembered, 'LIMIT', 0, limit),
    )) as [number, number, string[], string[]];

    const workflows: WorkflowDiagnostics[] = [];
    const taken = new Set<string>();
    const take = async (ids: readonly string[]) => {
      const unseen = [...new Set(ids)].filter((id) => !taken.has(id));
      for (const id of unseen) taken.add(id);
      workflows.push(...(await this.readWorkflows(unseen)).slice(0, limit - workflows.length));
    };
    const fillFrom = async (index: string, firstPage: string[], before: string[] = []) => {
      await take([...before, ...firstPage]);
      for (let page = firstPage, offset = limit; workflows.length < limit && page.length === limit; offset += limit) {
        page = await this.redis.zrevrangebyscore(index, '+inf', remembered, 'LIMIT', offset, limit);
        await take(page);
      }
    };
    if (degradedPage.length < limit) {
      // Every degraded workflow is on the first page: one read takes them and the most recent others.
      await fillFrom(keys.workflows, recentPage, degradedPage);
    } else {
      await fillFrom(keys.degradedWorkflows, degradedPage);
      if (workflows.length < limit) await fillFrom(keys.workflows, recentPage);
    }
    return { workflows, total, degraded };
  }

  /** Workflows count while they are remembered: active within the retention (their hashes expire with it). */
  async summary(now = Date.now()): Promise<DiagnosticsSummary> {
    const { keys } = this;
    const remembered = this.rememberedSince(now);
    const [processed, duplicates, workflows, degraded, agentIds] = await execAll(
      this.redis
        .pipeline()
        .hgetall(keys.processed)
        .hgetall(keys.duplicates)
        .zcount(keys.workflows, remembered, '+inf')
        .zcount(keys.degradedWorkflows, remembered, '+inf')
        .smembers(keys.agents),
    );
    const eventsByType = countsByType(processed as Record<string, string>);
    const duplicatesByType = countsByType(duplicates as Record<string, string>);
    const workflowsByHealth: Record<WorkflowHealth, number> = {
      healthy: (workflows as number) - (degraded as number),
      degraded: degraded as number,
    };
    return {
      totalEventsProcessed: sum(eventsByType),
      duplicatesSkipped: sum(duplicatesByType),
      eventsByType,
      duplicatesByType,
      workflowsByHealth,
      agents: await this.agentStatistics((agentIds as string[]).sort()),
    };
  }

  /** The workflows of `ids`, in that order, read in one pipeline; an id whose hash has expired is left out. */
  private async readWorkflows(ids: readonly string[]): Promise<WorkflowDiagnostics[]> {
    if (ids.length === 0) return [];
    const reads = this.redis.pipeline();
    for (const id of ids) reads.hgetall(this.keys.workflow(id)).smembers(this.keys.reasons(id));
    const replies = await execAll(reads);
    return ids.flatMap((_, i) => {
      const workflow = workflowFromHash(replies[2 * i] as Record<string, string>, replies[2 * i + 1] as string[]);
      return workflow ? [workflow] : [];
    });
  }

  /** The oldest last activity (epoch ms) of a workflow still remembered at `now`. */
  private rememberedSince(now: number): number {
    return now - this.options.retentionSeconds * 1000;
  }

  private async agentStatistics(agentIds: string[]): Promise<AgentStatistics[]> {
    if (agentIds.length === 0) return [];
    const counts = this.redis.pipeline();
    for (const agentId of agentIds)
      counts.hmget(this.keys.agent(agentId), 'count', 'success').zcard(this.keys.samples(agentId));
    const replies = await execAll(counts);

    const ranks = agentIds.map((_, i) => {
      const samples = replies[2 * i + 1] as number;
      return { p50: nearestRankIndex(samples, 50), p95: nearestRankIndex(samples, 95) };
    });
    const percentiles = this.redis.pipeline();
    agentIds.forEach((agentId, i) => {
      const { p50, p95 } = ranks[i] ?? { p50: null, p95: null };
      if (p50 !== null && p95 !== null) {
        percentiles
          .zrange(this.keys.samples(agentId), p50, p50, 'WITHSCORES')
          .zrange(this.keys.samples(agentId), p95, p95, 'WITHSCORES');
      }
    });
    const values = percentiles.length > 0 ? await execAll(percentiles) : [];

    let next = 0;
    return agentIds.map((agentId, i) => {
      const [count, success] = (replies[2 * i] as Array<string | null>).map((value) => Number(value ?? 0));
      const hasSamples = ranks[i]?.p50 !== null;
      const p50 = hasSamples ? scoreOf(values[next++]) : null;
      const p95 = hasSamples ? scoreOf(values[next++]) : null;
      return {
        agentId,
        count: count ?? 0,
        successRate: count ? (success ?? 0) / count : 0,
        p50ProcessingTimeMs: p50,
        p95ProcessingTimeMs: p95,
      };
    });
  }

  private async applyOnce(
    script: DiagnosticsScriptName,
    eventType: EventType,
    eventId: string,
    keys: string[],
    args: Array<string | number>,
  ): Promise<boolean> {
    const reply = await this.redis[script](...this.scriptPrefix(eventType, eventId, keys), ...args);
    return reply === 1;
  }

  /** An apply script of a workflow event: it replies with the state the event left (see the scripts). */
  private async applyToWorkflow(
    script: DiagnosticsScriptName,
    eventType: EventType,
    eventId: string,
    workflowId: string,
    keys: string[],
    args: Array<string | number>,
  ): Promise<WorkflowApplied> {
    const [applied, fields, reasons] = (await this.redis[script](
      ...this.scriptPrefix(eventType, eventId, [
        this.keys.workflow(workflowId),
        this.keys.reasons(workflowId),
        ...keys,
      ]),
      ...args,
    )) as [number, string[], string[]];
    return { applied: applied === 1, workflow: workflowFromReply(fields, reasons) };
  }

  /** KEYS[1..3] and ARGV[1..2] every apply script starts with, around the script's own keys. */
  private scriptPrefix(eventType: EventType, eventId: string, keys: string[]): Array<string | number> {
    return [
      this.keys.applied(eventId),
      this.keys.processed,
      this.keys.duplicates,
      ...keys,
      this.options.retentionSeconds,
      eventType,
    ];
  }
}

async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = await pipeline.exec();
  // exec() resolves null only for a discarded MULTI, which these pipelines never start.
  if (!results) throw new Error('Redis discarded the pipeline');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
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

function countsByType(hash: Record<string, string>): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, Number(hash[type] ?? 0)])) as Record<EventType, number>;
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
