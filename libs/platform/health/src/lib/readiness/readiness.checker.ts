import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { DEFAULT_CHECK_TIMEOUT_MS, HEALTH_OPTIONS, HEALTH_READINESS_INDICATORS } from '../health.constants';
import type { HealthModuleOptions } from '../health.types';
import { guarded, runHealthChecks, type HealthReport } from '../indicator.runner';
import { GracefulDrain } from './graceful-drain.service';
import type { ReadinessIndicator } from './readiness-indicator';

export type ReadinessReport = HealthReport;

const SHUTTING_DOWN: HealthCheckResult = { status: 'shutting_down', info: {}, error: {}, details: {} };

/** Runs the readiness indicators through Terminus and answers with a status code instead of throwing. */
@Injectable()
export class ReadinessChecker {
  private readonly indicators: readonly ReadinessIndicator[];
  private readonly timeoutMs: number;
  private readonly results = new HealthIndicatorService();

  constructor(
    private readonly health: HealthCheckService,
    private readonly drain: GracefulDrain,
    @Optional() @Inject(HEALTH_READINESS_INDICATORS) indicators: ReadinessIndicator[] | null,
    @Optional() @Inject(HEALTH_OPTIONS) options: HealthModuleOptions | null,
  ) {
    this.indicators = indicators ?? [];
    this.timeoutMs = options?.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  /** 200 when every indicator (or only the one under `key`) is up; 503 when one is down or the app is closing. */
  async check(key?: string): Promise<ReadinessReport> {
    if (this.drain.isDraining) return { statusCode: 503, body: SHUTTING_DOWN };
    const selected = key === undefined ? this.indicators : this.indicators.filter((indicator) => indicator.key === key);
    const checks = selected.length > 0 || key === undefined ? selected.map((i) => guarded(i, this.timeoutMs)) : [this.missing(key)];
    return runHealthChecks(this.health, checks);
  }

  private missing(key: string): HealthIndicatorFunction {
    return async () => this.results.check(key).down({ message: `no readiness indicator is configured under "${key}"` });
  }
}
