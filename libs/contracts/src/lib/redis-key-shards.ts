/**
 * The shard tags of the workers' Redis keys. Redis Cluster runs a multi-key script only when all
 * its keys hash to one slot, and it hashes only the part of a key inside `{…}` when there is one.
 * So every key an apply script touches carries the tag of one shard (`{s<n>}`), picked from the id
 * that groups them (a workflow, a user, an event), and what every event used to bump in one global
 * key (counters, indexes) is kept once per shard and summed or merged on read. Sixty-four shards
 * spread over the primaries of any small cluster (about 21 each on three) and stay few enough to
 * read all of them in one round of calls; the same keys run unchanged on a single node.
 */

/** How many shards the keys are spread over. Changing it moves every key: a clean start. */
export const REDIS_KEY_SHARDS = 64;

/**
 * The shard of `id`: FNV-1a over its UTF-16 code units, modulo `REDIS_KEY_SHARDS`. Stable across
 * processes and versions, since it decides where data lives.
 */
export function redisKeyShardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % REDIS_KEY_SHARDS;
}

/** The hash tag of shard `shard`, the part of a key Redis Cluster hashes: `{s<shard>}`. */
export const redisShardTag = (shard: number): string => `{s${shard}}`;

/** The hash tag of the shard `id` falls in. */
export const redisShardTagOf = (id: string): string => redisShardTag(redisKeyShardOf(id));

/** Every shard, 0 … REDIS_KEY_SHARDS - 1: what a read across shards walks. */
export const REDIS_SHARDS: readonly number[] = Array.from({ length: REDIS_KEY_SHARDS }, (_, shard) => shard);
