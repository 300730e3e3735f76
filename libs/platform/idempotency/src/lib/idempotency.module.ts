import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  IDEMPOTENCY_INTERCEPTOR_OPTIONS,
  IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_REDIS,
} from './idempotency.constants';
import { ConfigurableModuleClass } from './idempotency.module-definition';
import type { IdempotencyModuleOptions } from './idempotency.module-options';
import { IdempotencyStore } from './idempotency.store';
import { IdempotencyInterceptor } from './interceptor/idempotency.interceptor';
import { createIdempotencyRedisClient, type RedisClient } from './redis/idempotency-redis.options';

/** The client behind the store, and whether this module created it (then it connects and closes it). */
interface IdempotencyRedisHandle {
  client: RedisClient;
  owned: boolean;
  connectTimeoutMs: number;
}

/**
 * Provides `IdempotencyStore` and `IdempotencyInterceptor`:
 * `IdempotencyModule.forRoot({ connection: { host, port }, ttlSeconds, leaseMs, interceptor: { scope } })`,
 * `forRoot({ redis })` with a client the app owns, or `forRootAsync({ inject, useFactory })`;
 * `isGlobal: true` shares it app-wide. Options are injectable under `IDEMPOTENCY_OPTIONS`
 * (`'IDEMPOTENCY:OPTIONS'`).
 */
@Module({
  providers: [
    {
      provide: IDEMPOTENCY_REDIS,
      inject: [IDEMPOTENCY_OPTIONS],
      useFactory: (options: IdempotencyModuleOptions): IdempotencyRedisHandle => {
        if (options.redis) return { client: options.redis, owned: false, connectTimeoutMs: 0 };
        if (!options.connection) throw new TypeError('IdempotencyModule needs either `redis` or `connection`');
        const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        const client = createIdempotencyRedisClient(options.connection, {
          timeoutMs: options.timeoutMs,
          connectTimeoutMs,
        });
        watchConnection(client);
        return { client, owned: true, connectTimeoutMs };
      },
    },
    {
      provide: IdempotencyStore,
      inject: [IDEMPOTENCY_REDIS, IDEMPOTENCY_OPTIONS],
      useFactory: ({ client }: IdempotencyRedisHandle, options: IdempotencyModuleOptions) =>
        new IdempotencyStore(client, {
          ttlSeconds: options.ttlSeconds,
          leaseMs: options.leaseMs,
          timeoutMs: options.timeoutMs,
          onCheck: options.onCheck,
        }),
    },
    {
      provide: IDEMPOTENCY_INTERCEPTOR_OPTIONS,
      inject: [IDEMPOTENCY_OPTIONS],
      useFactory: (options: IdempotencyModuleOptions) => options.interceptor ?? {},
    },
    IdempotencyInterceptor,
  ],
  exports: [IdempotencyStore, IdempotencyInterceptor, IDEMPOTENCY_INTERCEPTOR_OPTIONS],
})
export class IdempotencyModule extends ConfigurableModuleClass implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyModule.name);

  constructor(@Inject(IDEMPOTENCY_REDIS) private readonly redis: IdempotencyRedisHandle) {
    super();
  }

  /** Waits for an owned client to be ready; a Redis that is down is the callers' fail-open/closed decision, not a start-up failure. */
  async onModuleInit(): Promise<void> {
    const { client, owned, connectTimeoutMs } = this.redis;
    if (!owned || isReady(client)) return;
    await waitUntilReady(client, connectTimeoutMs);
    if (!isReady(client))
      this.logger.warn('idempotency store: Redis not ready at start-up; reconnecting in the background');
  }

  async onApplicationShutdown(): Promise<void> {
    const { client, owned } = this.redis;
    if (!owned || client.status === 'end') return;
    await client.quit().catch(() => client.disconnect());
  }
}

/** A single-node client and a Cluster client alike are `ready` once they can take commands. */
const isReady = (client: RedisClient): boolean => client.status === 'ready';

/** ioredis emits one error per reconnect attempt: log the transitions, not each attempt. */
function watchConnection(client: RedisClient): void {
  const logger = new Logger(IdempotencyModule.name);
  let lost = false;
  client.on('error', (error: Error) => {
    if (!lost) logger.warn({ err: error }, 'idempotency store cannot reach Redis; reconnecting');
    lost = true;
  });
  client.on('ready', () => {
    if (lost) logger.log('idempotency store reconnected to Redis');
    lost = false;
  });
}

function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
    client.once('error', done);
  });
}
