export { IdempotencyStore } from './lib/idempotency.store';
export { IdempotencyModule } from './lib/idempotency.module';
export type { IdempotencyModuleOptions } from './lib/idempotency.module-options';
export { IdempotencyInterceptor } from './lib/interceptor/idempotency.interceptor';
export { Idempotent } from './lib/interceptor/idempotent.decorator';
export { defaultIdempotencyKey, payloadFingerprint } from './lib/interceptor/idempotency.extractors';
export type {
  IdempotencyDuplicateResponse,
  IdempotencyExtractor,
  IdempotencyInterceptorOptions,
} from './lib/interceptor/idempotency-interceptor.options';
export {
  createIdempotencyRedisClient,
  idempotencyClusterOptions,
  idempotencyRedisOptions,
  isRedisCluster,
} from './lib/redis/idempotency-redis.options';
export type { IdempotencyRedisConnection, IdempotencyRedisTimeouts, RedisClient } from './lib/redis/idempotency-redis.options';
export { defineRedisScripts } from './lib/redis/redis-scripts';
export type { RedisScriptDefinition } from './lib/redis/redis-scripts';
export { toCheckResult } from './lib/idempotency.check';
export { idempotencyKey } from './lib/idempotency.key';
export {
  DEFAULT_DUPLICATE_RESPONSE,
  DEFAULT_TIMEOUT_MS,
  IDEMPOTENCY_INTERCEPTOR_OPTIONS,
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_OPTIONS,
} from './lib/idempotency.constants';
export { IDEMPOTENCY_ERROR_CODES } from './lib/idempotency.error-codes';
export type { IdempotencyErrorCode } from './lib/idempotency.error-codes';
export {
  IdempotencyError,
  IdempotencyFingerprintMismatchError,
  IdempotencyInFlightError,
  IdempotencyKeyMissingError,
  IdempotencyStoreUnavailableError,
} from './lib/idempotency.errors';
export type { IdempotencyOperation, IdempotencyUnavailableReason } from './lib/idempotency.errors';
export type {
  FixedWindowQuota,
  IdempotencyCheckHook,
  IdempotencyCheckResult,
  IdempotencyClaim,
  IdempotencyClaimOptions,
  IdempotencyStoreOptions,
  IdempotencyStorePort,
  QuotaGatedClaim,
} from './lib/idempotency.types';
