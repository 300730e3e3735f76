import type { Redis } from 'ioredis';
import {
  CONSUMER_GROUPS,
  DIAGNOSTICS_KEY_PREFIX,
  RECOMMENDATIONS_KEY_PREFIX,
  WEBHOOK_IDEMPOTENCY_SCOPE as GATEWAY_LEDGER_SCOPE,
  decisionKey,
  diagnosticsKeys,
  preferencesKey,
  redisKeyShardOf,
} from '@opal/contracts';
import { idempotencyKey } from '@opal/platform-idempotency';
import { unlinkKeys } from '../shared/bench-env';
import { BENCH_ID_SPACE, benchIds } from './bench-events';

// The workers' key layouts under their default prefixes (`@opal/contracts`): no REDIS_DB setting
// exists to isolate a run.
const DIAGNOSTICS = diagnosticsKeys(DIAGNOSTICS_KEY_PREFIX);
/** The metrics a workflow can degrade on (diagnostics.detection.ts): each has an alert guard per workflow. */
const DEGRADATION_METRICS = ['agent_failure_rate', 'duration_ratio', 'decision_confidence', 'workflow_failed'];

export interface RedisCleanupSummary {
  keysDeleted: number;
  setMembersRemoved: number;
  /** Subtracted again from the shards' `counters:processed`, by event type. */
  processedCountersRestored: Record<string, number>;
}

/** An agent result the diagnostics worker applies: its marker lives in its workflow's shard, its statistics' in its agent's. */
export interface BenchAgentResult {
  event_id: string;
  workflow_id: string;
  agent_id: string;
}

/**
 * Remembers what a run wrote into the shared Redis through the workers and the gateway, and
 * deletes it afterwards: applied markers and idempotency records of its events, its workflows,
 * agents, users, decisions and deliveries (ids carry the run id), and the processed counters its
 * events incremented. Every key is named exactly; nothing is deleted by pattern.
 */
export class BenchRedisState {
  private readonly agentResults: BenchAgentResult[] = [];
  private readonly recommendationsEvents: string[] = [];
  private readonly decisionIds: string[] = [];
  private readonly deliveryIds: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly run: string,
  ) {}

  /** Agent results the diagnostics worker processed (or may have): applied markers, idempotency record, counter. */
  addAgentResults(events: readonly BenchAgentResult[]): void {
    this.agentResults.push(...events);
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
    // One HINCRBY per applied marker, in the marker's shard (the apply scripts do both atomically): take exactly those back.
    const byShard = new Map<number, BenchAgentResult[]>();
    for (const event of this.agentResults) {
      const shard = redisKeyShardOf(event.workflow_id);
      byShard.set(shard, [...(byShard.get(shard) ?? []), event]);
    }
    let restored = 0;
    for (const [shard, events] of byShard) {
      const applied = await this.unlink(events.map((event) => DIAGNOSTICS.applied(shard, event.event_id)));
      if (applied > 0) await this.redis.hincrby(DIAGNOSTICS.processed(shard), 'agent.completed', -applied);
      restored += applied;
    }
    summary.processedCountersRestored['agent.completed'] = restored;
    summary.keysDeleted += restored;
    summary.keysDeleted += await this.unlink(
      this.agentResults.map((event) => DIAGNOSTICS.agentApplied(redisKeyShardOf(event.agent_id), event.event_id)),
    );
    summary.keysDeleted += await this.unlink(
      this.agentResults.map((event) => idempotencyKey(CONSUMER_GROUPS.diagnostics, event.event_id)),
    );
    summary.keysDeleted += await this.unlink(
      this.recommendationsEvents.map((id) => idempotencyKey(CONSUMER_GROUPS.recommendations, id)),
    );
    summary.keysDeleted += await this.unlink(this.decisionIds.map((id) => decisionKey(RECOMMENDATIONS_KEY_PREFIX, id)));
    summary.keysDeleted += await this.unlink(this.deliveryIds.map((id) => idempotencyKey(GATEWAY_LEDGER_SCOPE, id)));

    const ids = benchIds(this.run);
    const workflows = range(BENCH_ID_SPACE.workflows).map(ids.workflowId);
    const agents = range(BENCH_ID_SPACE.agents).map(ids.agentId);
    const users = range(BENCH_ID_SPACE.users).map(ids.userId);
    summary.keysDeleted += await this.unlink([
      ...workflows.flatMap((wf) => [
        DIAGNOSTICS.workflow(wf),
        DIAGNOSTICS.reasons(wf),
        ...DEGRADATION_METRICS.map((metric) => DIAGNOSTICS.alert(metric, wf)),
      ]),
      ...agents.flatMap((agent) => [DIAGNOSTICS.agent(agent), DIAGNOSTICS.samples(agent), DIAGNOSTICS.recent(agent)]),
      ...users.map((user) => preferencesKey(RECOMMENDATIONS_KEY_PREFIX, user)),
    ]);
    // The indexes are kept per shard: a workflow is listed in its own shard's, an agent in its own.
    for (const wf of workflows) {
      const shard = redisKeyShardOf(wf);
      summary.setMembersRemoved += await this.redis.zrem(DIAGNOSTICS.workflows(shard), wf);
      summary.setMembersRemoved += await this.redis.zrem(DIAGNOSTICS.degradedWorkflows(shard), wf);
    }
    for (const agent of agents) summary.setMembersRemoved += await this.redis.srem(DIAGNOSTICS.agents(redisKeyShardOf(agent)), agent);
    return summary;
  }

  private unlink(keys: readonly string[]): Promise<number> {
    return unlinkKeys(this.redis, keys);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
