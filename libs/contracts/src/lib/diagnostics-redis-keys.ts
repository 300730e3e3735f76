import { redisKeyShardOf, redisShardTag } from './redis-key-shards';

/**
 * Every Redis key of the diagnostics worker: `<prefix>{s<n>}:<name>…`. Here, beside the prefixes,
 * because the worker, its access plan and the benchmarks' clean-up all name these keys. The prefix stays the start
 * of every key (an ACL grants the worker `<prefix>*`), and the shard tag right after it is the
 * first `{…}` of the key, the part Redis Cluster hashes: keys of one tag share a slot, so a script
 * may touch them together (`@opal/contracts`' `redis-key-shards.ts`).
 *
 * - A workflow's keys (hash, reasons, alert guards) sit in the shard of its workflow_id, with the
 *   applied markers of the events about it, so one script applies such an event whole.
 * - An agent's statistics sit in the shard of its agent_id, with the markers that guard them
 *   (`agent-applied:`): an agent reports for workflows in every shard.
 * - What every event used to bump in one key (counters, activity indexes, the agent list) is kept
 *   once per shard; an event bumps those of the shard its script runs in, and reads sum or merge
 *   all `REDIS_SHARDS`. An event of no workflow (only counted) uses the shard of its event_id.
 *
 * Ids are the last segment and each structure has its own name, so no id (ids may contain ':') can
 * reach another key. The activity indexes are sorted sets by last activity.
 */
export const diagnosticsKeys = (prefix: string) => {
  const inShard = (shard: number) => `${prefix}${redisShardTag(shard)}:`;
  const inShardOf = (id: string) => inShard(redisKeyShardOf(id));
  return {
    applied: (shard: number, eventId: string) => `${inShard(shard)}applied:${eventId}`,
    processed: (shard: number) => `${inShard(shard)}counters:processed`,
    duplicates: (shard: number) => `${inShard(shard)}counters:duplicates`,
    workflows: (shard: number) => `${inShard(shard)}workflows-by-activity`,
    degradedWorkflows: (shard: number) => `${inShard(shard)}workflows-degraded-by-activity`,
    agents: (shard: number) => `${inShard(shard)}agents`,
    agentApplied: (shard: number, eventId: string) => `${inShard(shard)}agent-applied:${eventId}`,
    workflow: (workflowId: string) => `${inShardOf(workflowId)}workflow:${workflowId}`,
    reasons: (workflowId: string) => `${inShardOf(workflowId)}workflow-reasons:${workflowId}`,
    alert: (metric: string, workflowId: string) => `${inShardOf(workflowId)}alert:${metric}:${workflowId}`,
    agent: (agentId: string) => `${inShardOf(agentId)}agent:${agentId}`,
    samples: (agentId: string) => `${inShardOf(agentId)}agent-samples:${agentId}`,
    recent: (agentId: string) => `${inShardOf(agentId)}agent-recent:${agentId}`,
  };
};

export type DiagnosticsKeys = ReturnType<typeof diagnosticsKeys>;
