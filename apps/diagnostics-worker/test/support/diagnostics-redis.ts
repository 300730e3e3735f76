import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import type { DiagnosticsOptions } from '../../src/diagnostics/diagnostics.types';

export const redisConnection = {
  host: process.env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost,
  port: Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort),
};

export const connectRedis = () => new Redis({ ...redisConnection, lazyConnect: false, maxRetriesPerRequest: 1 });

/** A key prefix no one else uses, so tests share Redis with other people's runs. */
export const uniquePrefix = (label: string) => `test:diagnostics-int:${label}:${randomUUID()}:`;

export const diagnosticsOptions = (
  keyPrefix: string,
  overrides: Partial<DiagnosticsOptions> = {},
): DiagnosticsOptions => ({
  thresholds: { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 },
  keyPrefix,
  maxSamplesPerAgent: 1000,
  retentionSeconds: 600,
  alertLeaseMs: 60_000,
  ...overrides,
});

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/** Every key under `prefix` with its content (TTLs aside), to compare Redis before and after. */
export async function snapshot(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const entries: Array<[string, unknown]> = [];
  for (const key of await keysUnder(redis, prefix)) {
    const type = await redis.type(key);
    if (type === 'string') entries.push([key, await redis.get(key)]);
    else if (type === 'hash') entries.push([key, await redis.hgetall(key)]);
    else if (type === 'set') entries.push([key, (await redis.smembers(key)).sort()]);
    else if (type === 'zset') entries.push([key, await redis.zrange(key, 0, -1, 'WITHSCORES')]);
    else entries.push([key, type]);
  }
  return Object.fromEntries(entries);
}

export async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}
