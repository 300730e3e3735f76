import { redisShardTagOf } from './redis-key-shards';

/**
 * The keys of the recommendations worker, each with the shard tag of its id right after the prefix
 * (`redis-key-shards.ts`), so `<prefix>*` still covers every key of the worker and one script
 * call's keys can share a slot. Here, beside the prefixes, because the worker, its access plan and
 * the benchmarks' clean-up all name them.
 */

/** A user's preferences: `<keyPrefix>{s<shard>}:preferences:<user_id>`. */
export const preferencesKey = (keyPrefix: string, userId: string) =>
  `${keyPrefix}${redisShardTagOf(userId)}:preferences:${userId}`;

/** A decision's personalised set: `<keyPrefix>{s<shard>}:decision:<decision_id>`. */
export const decisionKey = (keyPrefix: string, decisionId: string) =>
  `${keyPrefix}${redisShardTagOf(decisionId)}:decision:${decisionId}`;
