import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { Cluster, type Redis } from 'ioredis';
import { IDEMPOTENCY_KEY_PREFIX } from '../../src';

/** The Redis of tools/local-stack, or the one `REDIS_HOST`/`REDIS_PORT` name. */
export const redisConnection = {
  host: process.env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost,
  port: Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort),
};

/** A scope unique to this run: the Redis is shared, so tests only ever touch their own keys. */
export const uniqueScope = (name: string) => `it-${name}-${Date.now().toString(36)}-${process.pid}`;

/** Deletes every record of `scope` (and of scopes that start with it), nothing else. */
export async function deleteScope(redis: Redis, scope: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${IDEMPOTENCY_KEY_PREFIX}:${scope}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A loopback port nobody listens on: the workspace's shared helper. */
export { freePort as unusedPort } from '@opal/platform-runtime/testing';

/**
 * `redis`, a single-node client, as a Redis Cluster client to `isRedisCluster` (`instanceof
 * Cluster`) and a single-node client in everything else: the store's Cluster paths (the quota
 * counted, then the record claimed) run against the local stack's Redis, where any keys may meet.
 */
export const asClusterClient = (redis: Redis): Cluster =>
  new Proxy(redis, { getPrototypeOf: () => Cluster.prototype }) as unknown as Cluster;
