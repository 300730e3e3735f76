import { z } from 'zod';
import {
  connectionRules,
  parseEnv,
  redisEnv,
  toRedisConfig,
  type EnvSource,
  type RedisConnectionConfig,
} from '@opal/platform-config';
import { KAFKA_INIT } from './kafka-init.env';

// Only `access` talks to Redis (it grants the services' Redis users), so only it reads these.
const accessRedisEnv = z.object({ ...redisEnv }).superRefine(connectionRules);

/** The Redis `access` applies the plan's ACL rules to, as its admin user (`REDIS_USERNAME`, `REDIS_PASSWORD`). */
export function loadAccessRedisConfig(env: EnvSource): RedisConnectionConfig {
  return toRedisConfig(parseEnv(KAFKA_INIT, accessRedisEnv, env));
}
