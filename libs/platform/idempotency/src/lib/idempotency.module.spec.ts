import { Controller, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Cluster, type Redis } from 'ioredis';
import { IDEMPOTENCY_INTERCEPTOR_OPTIONS, IDEMPOTENCY_OPTIONS } from './idempotency.constants';
import { IdempotencyModule } from './idempotency.module';
import { IdempotencyStore } from './idempotency.store';
import { Idempotent } from './interceptor/idempotent.decorator';
import { IdempotencyInterceptor } from './interceptor/idempotency.interceptor';
import { TEST_RECORD_LIFETIMES } from './testing/record-lifetimes';

const fakeRedis = () =>
  ({ defineCommand: jest.fn(), quit: jest.fn(), status: 'ready' }) as unknown as Redis & { quit: jest.Mock };

/** The same, but an `instanceof Cluster`: a Redis Cluster client the app owns. */
const fakeCluster = () =>
  Object.assign(Object.create(Cluster.prototype) as Cluster, { defineCommand: jest.fn(), quit: jest.fn(), status: 'ready' }) as Cluster & {
    defineCommand: jest.Mock;
    quit: jest.Mock;
  };

@Controller()
class ConsumerController {
  @Idempotent()
  handle(): string {
    return 'ok';
  }
}

@Injectable()
class RedisConfig {
  readonly redis = fakeRedis();
}

@Module({ providers: [RedisConfig], exports: [RedisConfig] })
class RedisConfigModule {}

describe(IdempotencyModule.name, () => {
  describe('forRoot', () => {
    it('should provide the store over the given client, the options and the interceptor defaults', async () => {
      const redis = fakeRedis();
      const moduleRef = await Test.createTestingModule({
        imports: [IdempotencyModule.forRoot({ ...TEST_RECORD_LIFETIMES, redis, ttlSeconds: 60, interceptor: { scope: 'opal-diagnostics' } })],
        controllers: [ConsumerController],
      }).compile();

      expect(moduleRef.get(IdempotencyStore)).toBeInstanceOf(IdempotencyStore);
      expect(redis.defineCommand).toHaveBeenCalledTimes(5);
      expect(moduleRef.get(IDEMPOTENCY_OPTIONS)).toMatchObject({ ttlSeconds: 60 });
      expect(moduleRef.get(IDEMPOTENCY_INTERCEPTOR_OPTIONS)).toEqual({ scope: 'opal-diagnostics' });
      expect(moduleRef.get(IdempotencyInterceptor)).toBeInstanceOf(IdempotencyInterceptor);
      await moduleRef.close();
    });

    it.each([
      ['a single-node client', fakeRedis],
      ['a Cluster client', fakeCluster],
    ])('should never close %s the app gave it', async (_, client) => {
      const redis = client();
      const moduleRef = await Test.createTestingModule({ imports: [IdempotencyModule.forRoot({ ...TEST_RECORD_LIFETIMES, redis })] }).compile();
      await moduleRef.init();
      await moduleRef.close();

      expect(redis.quit).not.toHaveBeenCalled();
    });

    it('should provide the store over a Redis Cluster client the app gave it', async () => {
      const redis = fakeCluster();
      const moduleRef = await Test.createTestingModule({ imports: [IdempotencyModule.forRoot({ ...TEST_RECORD_LIFETIMES, redis })] }).compile();

      expect(moduleRef.get(IdempotencyStore)).toBeInstanceOf(IdempotencyStore);
      expect(redis.defineCommand).toHaveBeenCalledTimes(5);
      await moduleRef.close();
    });

    it('should refuse options with neither redis nor connection', async () => {
      const compile = Test.createTestingModule({ imports: [IdempotencyModule.forRoot({} as never)] }).compile();

      await expect(compile).rejects.toThrow('needs either `redis` or `connection`');
    });
  });

  describe('forRootAsync', () => {
    it('should build its options from injected providers', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          IdempotencyModule.forRootAsync({
            imports: [RedisConfigModule],
            inject: [RedisConfig],
            useFactory: (config: RedisConfig) => ({ redis: config.redis, ttlSeconds: 60, leaseMs: 5_000 }),
          }),
        ],
      }).compile();

      expect(moduleRef.get(IdempotencyStore)).toBeInstanceOf(IdempotencyStore);
      expect(moduleRef.get(IDEMPOTENCY_OPTIONS)).toMatchObject({ leaseMs: 5_000 });
      expect(moduleRef.get(IDEMPOTENCY_INTERCEPTOR_OPTIONS)).toEqual({});
    });
  });
});
