import type { IdempotencyInterceptorOptions } from './interceptor/idempotency-interceptor.options';
import type { IdempotencyRedisConnection, RedisClient } from './redis/idempotency-redis.options';
import type { IdempotencyStoreOptions } from './idempotency.types';

interface IdempotencyModuleCommonOptions extends IdempotencyStoreOptions {
  /** Defaults of `IdempotencyInterceptor` in this module's scope (typically `{ scope: <consumer group> }`). */
  interceptor?: Partial<IdempotencyInterceptorOptions>;
}

/** Either an existing client (the app owns and closes it) or where to connect (the module owns the client). */
export type IdempotencyModuleOptions = IdempotencyModuleCommonOptions &
  (
    | {
        /**
         * A client the app already has, e.g. `@nestjs-modules/ioredis`': a `Redis` (single node,
         * Sentinel) or a `Cluster`; best built with `idempotencyRedisOptions()` / `idempotencyClusterOptions()`.
         */
        redis: RedisClient;
        connection?: never;
      }
    | {
        /** The module creates a fail-fast client (`createIdempotencyRedisClient`: a `Cluster` when `connection.cluster` is set), waits for it at start-up (up to `connectTimeoutMs`, never failing the start) and quits it on shutdown. */
        connection: IdempotencyRedisConnection;
        /** TCP connect bound of the created client. Default 2000. */
        connectTimeoutMs?: number;
        redis?: never;
      }
  );
