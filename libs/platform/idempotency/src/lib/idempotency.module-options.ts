import type { Redis } from 'ioredis';
import type { IdempotencyInterceptorOptions } from './interceptor/idempotency-interceptor.options';
import type { IdempotencyRedisConnection } from './redis/idempotency-redis.options';
import type { IdempotencyStoreOptions } from './idempotency.types';

interface IdempotencyModuleCommonOptions extends IdempotencyStoreOptions {
  /** Defaults of `IdempotencyInterceptor` in this module's scope (typically `{ scope: <consumer group> }`). */
  interceptor?: Partial<IdempotencyInterceptorOptions>;
}

/** Either an existing client (the app owns and closes it) or where to connect (the module owns the client). */
export type IdempotencyModuleOptions = IdempotencyModuleCommonOptions &
  (
    | {
        /** A client the app already has, e.g. `@nestjs-modules/ioredis`'; best built with `idempotencyRedisOptions()`. */
        redis: Redis;
        connection?: never;
      }
    | {
        /** The module creates a fail-fast client (`idempotencyRedisOptions`), waits for it at start-up (up to `connectTimeoutMs`, never failing the start) and quits it on shutdown. */
        connection: IdempotencyRedisConnection;
        /** TCP connect bound of the created client. Default 2000. */
        connectTimeoutMs?: number;
        redis?: never;
      }
  );
