import type { Redis } from 'ioredis';
import {
  CONSUMER_GROUPS,
  DIAGNOSTICS_KEY_PREFIX as DIAGNOSTICS,
  RECOMMENDATIONS_KEY_PREFIX as RECOMMENDATIONS,
  WEBHOOK_IDEMPOTENCY_SCOPE as GATEWAY_LEDGER_SCOPE,
  type EventType,
} from '@opal/contracts';
import { idempotencyKey } from '@opal/platform-idempotency';
import { unlinkKeys } from '../shared/bench-env';
import { BENCH_ID_SPACE, benchIds } from './bench-events';

// The workers' key layouts under their default prefixes (apps/diagnostics-worker/src/diagnostics/diagnostics.keys.ts
// and apps/recommendations-worker/src/recommendations/recommendations.repository.ts): a tool may not
// import an app, and no REDIS_DB setting exists to isolate a run.
/** The metrics a workflow can degrade on (diagnostics.detection.ts): each has an alert guard per workflow. */
const DEGRADATION_METRICS = ['agent_failure_rate', 'duration_ratio', 'decision_confidence', 'workflow_failed'];

export interface RedisCleanupSummary {
  keysDeleted: number;
  setMembersRemoved: number;
  /** Subtracted again from `opal:diagnostics:counters:processed`, by event type. */
  processedCountersRestored: Record<string, number>;
}

/**
 * Remembers what a run wrote into the shared Redis through the workers and the gateway, and
 * deletes it afterwards: applied markers and idempotency records of its events, its workflows,
 * agents, users, decisions and deliveries (ids carry the run id), and the processed counters its
 * events incremented. Every key is named exactly; nothing is deleted by pattern.
 */
export class BenchRedisState {
  private readonly diagnosticsEvents = new Map<EventType, string[]>();
  private readonly recommendationsEvents: string[] = [];
  private readonly decisionIds: string[] = [];
  private readonly deliveryIds: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly run: string,
  ) {}

  /** Events the diagnostics worker processed (or may have): applied marker, idempotency record, counter. */
  addDiagnosticsEvents(eventType: EventType, eventIds: readonly string[]): void {
    const list = this.diagnosticsEvents.get(eventType) ?? [];
    list.push(...eventIds);
    this.diagnosticsEvents.set(eventType, list);
  }

  addRecommendationsEvents(eventIds: readonly string[], decisionIds: readonly string[]): void {
    this.recommendationsEvents.push(...eventIds);
    this.decisionIds.push(...decisionIds);
  }

  /** Webhook deliveries sent to the gateway: its delivery ledger keeps one record each. */
  addDeliveries(deliveryIds: readonly string[]): void {
    this.deliveryIds.push(...deliveryIds);
  }

  async cleanup(): Promise<RedisCleanupSummary> {
    const summary: RedisCleanupSummary = { keysDeleted: 0, setMembersRemoved: 0, processedCountersRestored: {} };
    for (const [eventType, eventIds] of this.diagnosticsEvents) {
      const applied = await this.unlink(eventIds.map((id) => `${DIAGNOSTICS}applied:${id}`));
      // One HINCRBY per applied marker (the apply scripts do both atomically): take exactly those back.
      if (applied > 0) await this.redis.hincrby(`${DIAGNOSTICS}counters:processed`, eventType, -applied);
      summary.processedCountersRestored[eventType] = applied;
      summary.keysDeleted += applied;
      summary.keysDeleted += await this.unlink(eventIds.map((id) => idempotencyKey(CONSUMER_GROUPS.diagnostics, id)));
    }
    summary.keysDeleted += await this.unlink(
      this.recommendationsEvents.map((id) => idempotencyKey(CONSUMER_GROUPS.recommendations, id)),
    );
    summary.keysDeleted += await this.unlink(this.decisionIds.map((id) => `${RECOMMENDATIONS}decision:${id}`));
    summary.keysDeleted += await this.unlink(this.deliveryIds.map((id) => idempotencyKey(GATEWAY_LEDGER_SCOPE, id)));

    const ids = benchIds(this.run);
    const workflows = range(BENCH_ID_SPACE.workflows).map(ids.workflowId);
    const agents = range(BENCH_ID_SPACE.agents).map(ids.agentId);
    const users = range(BENCH_ID_SPACE.users).map(ids.userId);
    summary.keysDeleted += await this.unlink([
      ...workflows.flatMap((wf) => [
        `${DIAGNOSTICS}workflow:${wf}`,
        `${DIAGNOSTICS}workflow-reasons:${wf}`,
        ...DEGRADATION_METRICS.map((metric) => `${DIAGNOSTICS}alert:${metric}:${wf}`),
      ]),
      ...agents.flatMap((agent) => [
        `${DIAGNOSTICS}agent:${agent}`,
        `${DIAGNOSTICS}agent-samples:${agent}`,
        `${DIAGNOSTICS}agent-recent:${agent}`,
      ]),
      ...users.map((user) => `${RECOMMENDATIONS}preferences:${user}`),
    ]);
    // The workflow indexes are sorted sets by last activity (diagnostics.keys.ts).
    summary.setMembersRemoved += await this.redis.zrem(`${DIAGNOSTICS}workflows-by-activity`, ...workflows);
    summary.setMembersRemoved += await this.redis.zrem(`${DIAGNOSTICS}workflows-degraded-by-activity`, ...workflows);
    summary.setMembersRemoved += await this.redis.srem(`${DIAGNOSTICS}agents`, ...agents);
    return summary;
  }

  private unlink(keys: readonly string[]): Promise<number> {
    return unlinkKeys(this.redis, keys);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
