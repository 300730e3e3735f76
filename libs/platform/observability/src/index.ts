export { ObservabilityModule } from './lib/observability.module';
export {
  CORRELATION_ID_HEADER,
  CORRELATION_ID_LOG_KEY,
  METRICS_PATH,
  OBSERVABILITY_OPTIONS,
  REDACTED_LOG_PATHS,
} from './lib/observability.constants';
export type { LogLevel, ObservabilityExtras, ObservabilityOptions } from './lib/observability.types';
export {
  correlationIdOf,
  correlationLogFields,
  currentCorrelationId,
  isValidCorrelationId,
  requestCorrelationId,
  requestLogFields,
  resolveCorrelationId,
} from './lib/logging/correlation-id';
export type { CorrelatedRequest } from './lib/logging/correlation-id';
export { OpalMetrics } from './lib/metrics/opal.metrics';
export { CIRCUIT_BREAKER_STATE_VALUES, OPAL_METRICS } from './lib/metrics/opal-metrics.catalogue';
export type {
  CircuitBreakerState,
  ConsumeOutcome,
  IdempotencyCheckResult,
  ProduceResult,
  RateLimitCheckResult,
} from './lib/metrics/opal-metrics.catalogue';
/** The Nest `LoggerService` to hand to `app.useLogger(app.get(JsonLogger))`. */
export { Logger as JsonLogger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
