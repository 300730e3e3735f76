import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './observability.module-definition';

/**
 * JSON logs with correlation ids and Prometheus metrics for one app:
 * `ObservabilityModule.forRoot({ appName, logLevel, extraMetricsPaths? })`.
 *
 * - Logs: nestjs-pino on Fastify, one JSON line per entry with `service`; every request gets a
 *   `correlation_id` (a valid `x-correlation-id` header or a new UUID), echoed in the response;
 *   credentials are redacted, bodies never logged, `/health/*` and `/metrics` not logged.
 * - Metrics: `GET /metrics` (plus `extraMetricsPaths`) with Node process metrics and the
 *   contract's `opal_*` metrics, recorded through the injectable `OpalMetrics`.
 *
 * Global by default (`isGlobal: false` to opt out). The options are injectable under `OBSERVABILITY_OPTIONS`.
 */
@Module({})
export class ObservabilityModule extends ConfigurableModuleClass {}
