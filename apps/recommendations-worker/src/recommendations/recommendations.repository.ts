import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import { decisionKey, preferencesKey, redisKeyShardOf } from '@opal/contracts';
import { defineRedisScripts, isRedisCluster, type RedisClient } from '@opal/platform-idempotency';
import { RECOMMENDATIONS_OPTIONS } from './recommendations.constants';
import {
  PREFERENCES_WRITES,
  RECOMMENDATIONS_SCRIPTS,
  SAVE_PREFERENCES_COMMAND,
  type PreferencesWrite,
  type RecommendationsScriptName,
} from './recommendations.scripts';
import type { PersonalisedDecision, RecommendationsOptions, StoredPreferences } from './recommendations.types';

type ScriptCall = (...keysThenArgs: Array<string | number>) => Promise<unknown>;
type ScriptedRedis = RedisClient & Record<RecommendationsScriptName, ScriptCall>;

/**
 * Redis state of the recommendations worker, under `keyPrefix`: `preferences:<user_id>` (a hash,
 * kept until replaced by newer preferences) and `decision:<decision_id>` (JSON, expiring after
 * `decisionTtlSeconds`). Both writes are idempotent, so a handler that runs twice for one event
 * changes nothing the second time. Redis errors propagate unchanged: the consumer pipeline
 * classifies them and pauses.
 *
 * Every key carries the shard tag of its id (`{s<n>}`, `@opal/contracts`' `redisShardTagOf`):
 * Redis Cluster hashes only the tag, and refuses (CROSSSLOT) a script whose keys lie in more than
 * one slot. So the scripts over many users or decisions run once per shard, concurrently, each
 * over keys of one slot (on a Cluster client outside its auto-pipelining: see `defineRedisScripts`); on a
 * single node the same keys and calls work as they are.
 */
@Injectable()
export class RecommendationsRepository {
  private readonly redis: ScriptedRedis;

  constructor(
    @InjectRedis() redis: RedisClient,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {
    defineRedisScripts(redis, RECOMMENDATIONS_SCRIPTS);
    this.redis = redis as ScriptedRedis;
  }

  /**
   * Stores `preferences` unless the stored ones have the same or a later `updated_at`, atomically.
   * @returns `stored`, `stale` (ignored: as new or newer ones are kept) or `redelivered` (ignored:
   *   these very preferences, by event_id, are the stored ones).
   */
  async savePreferences(preferences: StoredPreferences): Promise<PreferencesWrite> {
    if (!Number.isSafeInteger(preferences.updated_at)) {
      throw new RangeError(`updated_at must be an integer (epoch ms), got ${String(preferences.updated_at)}`);
    }
    const reply = await this.redis[SAVE_PREFERENCES_COMMAND](
      preferencesKey(this.options.keyPrefix, preferences.user_id),
      String(preferences.updated_at),
      JSON.stringify(preferences),
      preferences.event_id,
    );
    const write = PREFERENCES_WRITES[Number(reply)];
    if (!write) throw new Error(`unexpected reply ${String(reply)} from ${SAVE_PREFERENCES_COMMAND}`);
    return write;
  }

  async findPreferences(userId: string): Promise<StoredPreferences | null> {
    return (await this.findPreferencesOf([userId])).get(userId) ?? null;
  }

  /** The stored preferences of each of `userIds` that has some, in one call (on a Cluster, one per shard, concurrently). */
  async findPreferencesOf(userIds: readonly string[]): Promise<Map<string, StoredPreferences>> {
    const distinct = [...new Set(userIds)];
    const values = await this.perCall(
      distinct,
      (userId) => userId,
      async (group) =>
        (await this.redis.opalRecommendationsFindPreferences(
          group.length,
          ...group.map((userId) => preferencesKey(this.options.keyPrefix, userId)),
        )) as Array<string | null>,
    );
    const found = new Map<string, StoredPreferences>();
    distinct.forEach((userId, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) found.set(userId, JSON.parse(value) as StoredPreferences);
    });
    return found;
  }

  /**
   * Stores the personalised set of a decision unless one is already stored (first write wins,
   * so a re-run after a lost lease cannot replace what was served), expiring after `decisionTtlSeconds`.
   * @returns true when stored, false when one was already there.
   */
  async saveDecision(decision: PersonalisedDecision): Promise<boolean> {
    const [stored] = await this.saveDecisions([decision]);
    return stored === true;
  }

  /**
   * `saveDecision` for each, in order, in one call (on a Cluster, one per shard, concurrently). A
   * decision twice keeps its first set: all its copies fall in one call, in their order. When a call fails the
   * others may have stored theirs; a re-run finds those stored (first write wins).
   */
  async saveDecisions(decisions: readonly PersonalisedDecision[]): Promise<boolean[]> {
    const replies = await this.perCall(
      decisions,
      (decision) => decision.decision_id,
      async (group) =>
        (await this.redis.opalRecommendationsSaveDecisions(
          group.length,
          ...group.map((decision) => decisionKey(this.options.keyPrefix, decision.decision_id)),
          this.options.decisionTtlSeconds,
          ...group.map((decision) => JSON.stringify(decision)),
        )) as number[],
    );
    return replies.map((reply) => reply === 1);
  }

  async findDecision(decisionId: string): Promise<PersonalisedDecision | null> {
    const value = await this.redis.get(decisionKey(this.options.keyPrefix, decisionId));
    return value === null ? null : (JSON.parse(value) as PersonalisedDecision);
  }

  /**
   * `perShard` on a Cluster, whose scripts must keep to one slot. A single node runs a script over
   * keys of any slots, so there the whole batch stays one call: splitting it 64 ways nearly doubled
   * the worker's CPU per record in `bench:workers`.
   */
  private perCall<T, R>(items: readonly T[], idOf: (item: T) => string, call: (group: T[]) => Promise<readonly R[]>): Promise<R[]> {
    return perShard(items, isRedisCluster(this.redis) ? (item) => redisKeyShardOf(idOf(item)) : () => 0, call);
  }
}

/**
 * Runs `call` once per shard of `items` (`shardOf`: the shard of the id their keys are tagged
 * with), all at once, each over its items in input order, and returns the replies in input order.
 * No items, no call.
 */
async function perShard<T, R>(
  items: readonly T[],
  shardOf: (item: T) => number,
  call: (group: T[]) => Promise<readonly R[]>,
): Promise<R[]> {
  const indexesByShard = new Map<number, number[]>();
  items.forEach((item, index) => {
    const shard = shardOf(item);
    const indexes = indexesByShard.get(shard);
    if (indexes) indexes.push(index);
    else indexesByShard.set(shard, [index]);
  });
  const replies = new Array<R>(items.length);
  await Promise.all(
    [...indexesByShard.values()].map(async (indexes) => {
      const groupReplies = await call(indexes.map((index) => items[index] as T));
      indexes.forEach((index, i) => {
        replies[index] = groupReplies[i] as R;
      });
    }),
  );
  return replies;
}
