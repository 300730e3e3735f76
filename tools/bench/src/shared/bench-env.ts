import { Redis } from 'ioredis';
import { z } from 'zod';
import { connectionRules, kafkaEnv, parseEnv, redisEnv, toKafkaConfig, toRedisConfig, type EnvSource, type RedisConnectionConfig } from '@opal/platform-config';

export const BENCH = 'bench';

const benchEnv = z.object({ ...kafkaEnv }).superRefine(connectionRules);
const benchRedisEnv = z.object({ ...redisEnv }).superRefine(connectionRules);

/** The broker the benchmarks read offsets from (the same `KAFKA_*` variables as the apps). */
export const loadBenchKafkaConfig = (env: EnvSource) => toKafkaConfig(parseEnv(BENCH, benchEnv, env));

/** The Redis the apps under test use (the same `REDIS_*` variables), where a bench deletes what its run wrote. */
export const loadBenchRedisConfig = (env: EnvSource) => toRedisConfig(parseEnv(BENCH, benchRedisEnv, env));

const UNLINK_CHUNK = 1_000;

/** Deletes `keys` (named exactly, never by pattern) a thousand per call; how many existed. */
export async function unlinkKeys(redis: Redis, keys: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let from = 0; from < keys.length; from += UNLINK_CHUNK) {
    deleted += await redis.unlink(...keys.slice(from, from + UNLINK_CHUNK));
  }
  return deleted;
}

/** A client of `config` for the bench's own reads and cleanup. */
export function benchRedis(config: RedisConnectionConfig): Redis {
  const { tls, ...endpoint } = config;
  return new Redis({ ...endpoint, ...(tls ? { tls: tls === true ? {} : tls } : {}) });
}
