import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { RedisModule } from '@nestjs-modules/ioredis';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { Redis } from 'ioredis';
import { RecommendationsModule } from '../../src/recommendations/recommendations.module';

/** The Redis of tools/local-stack, or the one `REDIS_HOST`/`REDIS_PORT` name. */
export const redisConnection = {
  host: process.env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost,
  port: Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort),
};

/** A key prefix of this run only: the Redis is shared, so tests touch nothing but their own keys. */
export const uniqueKeyPrefix = (name: string) => `it:recommendations:${name}:${randomUUID()}:`;

export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(redisConnection);
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
  return redis;
}

/** Deletes every key under `keyPrefix`, nothing else. */
export async function deleteKeys(redis: Redis, keyPrefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

@Module({})
class RecommendationsTestRootModule {}

/**
 * The domain module on the real Redis, its connection where the app's `WorkerPlatformModule` puts
 * it: global, under `@nestjs-modules/ioredis`'s default token (here from `RedisModule.forRoot`).
 */
export function recommendationsTestModule(keyPrefix: string, decisionTtlSeconds?: number): DynamicModule {
  return {
    module: RecommendationsTestRootModule,
    imports: [
      RedisModule.forRoot({ type: 'single', options: redisConnection }),
      RecommendationsModule.forRoot({ keyPrefix, decisionTtlSeconds }),
    ],
  };
}
