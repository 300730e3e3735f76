/** DI token of the options given to `HealthModule.forRoot`. */
export const HEALTH_OPTIONS = 'HEALTH:OPTIONS';

/** DI token of the `ReadinessIndicator[]` behind `GET /health/ready`. */
export const HEALTH_READINESS_INDICATORS = 'HEALTH:READINESS_INDICATORS';

/** DI token of the `ReadinessIndicator[]` `GET /health/live` adds to the process check. */
export const HEALTH_LIVENESS_INDICATORS = 'HEALTH:LIVENESS_INDICATORS';

/** A dependency slower than this is reported down: a probe must answer well inside its own timeout. */
export const DEFAULT_CHECK_TIMEOUT_MS = 1500;

/** Indicator keys; `GET /api/kafka/health` checks the indicator under `kafka`. */
export const HEALTH_KEYS = {
  kafka: 'kafka',
  redis: 'redis',
  redisClient: 'redis_client',
  schemaRegistry: 'schema_registry',
} as const;
