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

/** A client of `config` for the bench's own reads and cleanup. */
export function benchRedis(config: RedisConnectionConfig): Redis {
  const { tls, ...endpoint } = config;
  return new Redis({ ...endpoint, ...(tls ? { tls: tls === true ? {} : tls } : {}) });
}
