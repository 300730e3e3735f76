import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttpController } from './health.http.controller';
import { ConfigurableModuleClass } from './health.module-definition';
import { LivenessChecker } from './liveness/liveness.checker';
import { ProcessHealthIndicator } from './process.health-indicator';
import { GracefulDrain } from './readiness/graceful-drain.service';
import { ReadinessChecker } from './readiness/readiness.checker';

/**
 * `GET /health/live` (the process) and `GET /health/ready` (the app's dependencies) for every app.
 *
 * Imported as is, readiness has no dependency to check. `HealthModule.forRoot({ readiness, liveness,
 * imports, seedAliases, checkTimeoutMs, gracefulShutdownTimeoutMs })` chooses the checks: `kafkaReadiness`,
 * `redisReadiness`, `schemaRegistryReadiness`, or any `ReadinessIndicator`. Readiness answers 503
 * with Terminus's body when a check is down, and from the moment the app starts closing.
 */
@Module({
  // Terminus would log every failed probe; each readiness indicator logs a change of its answer once.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthHttpController],
  providers: [ProcessHealthIndicator, ReadinessChecker, LivenessChecker, GracefulDrain],
  exports: [ProcessHealthIndicator, ReadinessChecker, LivenessChecker],
})
export class HealthModule extends ConfigurableModuleClass {}
