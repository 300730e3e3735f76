import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { DEFAULT_CHECK_TIMEOUT_MS, HEALTH_LIVENESS_INDICATORS, HEALTH_OPTIONS } from '../health.constants';
import type { HealthModuleOptions } from '../health.types';
import { guarded, runHealthChecks, type HealthReport } from '../indicator.runner';
import { ProcessHealthIndicator } from '../process.health-indicator';
import type { ReadinessIndicator } from '../readiness/readiness-indicator';

/**
 * `GET /health/live`: the process, plus the app's own liveness indicators — only conditions a
 * restart cures (a stalled consumer), never a dependency outage. It ignores the drain: a closing
 * app is still alive.
 */
@Injectable()
export class LivenessChecker {
  private readonly indicators: readonly ReadinessIndicator[];
  private readonly timeoutMs: number;

  constructor(
    private readonly health: HealthCheckService,
    private readonly processIndicator: ProcessHealthIndicator,
    @Optional() @Inject(HEALTH_LIVENESS_INDICATORS) indicators: ReadinessIndicator[] | null,
    @Optional() @Inject(HEALTH_OPTIONS) options: HealthModuleOptions | null,
  ) {
    this.indicators = indicators ?? [];
    this.timeoutMs = options?.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  async check(): Promise<HealthReport> {
    return runHealthChecks(this.health, [
      async () => this.processIndicator.isAlive(),
      ...this.indicators.map((i) => guarded(i, this.timeoutMs)),
    ]);
  }
}
