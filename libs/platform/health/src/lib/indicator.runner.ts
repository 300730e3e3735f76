import { ServiceUnavailableException } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthCheckService,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { messageOf, withinDeadline } from './deadline';
import type { ReadinessIndicator } from './readiness/readiness-indicator';

export interface HealthReport {
  statusCode: 200 | 503;
  /** Terminus's body: `status`, and `info` / `error` / `details` keyed by indicator. */
  body: HealthCheckResult;
}

const results = new HealthIndicatorService();

/** Whatever an indicator does (throw, hang), it ends as `up` or `down` under its key. */
export function guarded(indicator: ReadinessIndicator, timeoutMs: number): HealthIndicatorFunction {
  return async (): Promise<HealthIndicatorResult> => {
    try {
      return await withinDeadline(
        Promise.resolve().then(() => indicator.check()),
        timeoutMs,
        indicator.key,
      );
    } catch (error) {
      return results.check(indicator.key).down({ message: messageOf(error) });
    }
  };
}

/** Runs checks through Terminus and answers 200 or 503 with its body instead of throwing. */
export async function runHealthChecks(
  health: HealthCheckService,
  checks: HealthIndicatorFunction[],
): Promise<HealthReport> {
  try {
    return { statusCode: 200, body: await health.check(checks) };
  } catch (error) {
    if (error instanceof ServiceUnavailableException)
      return { statusCode: 503, body: error.getResponse() as HealthCheckResult };
    throw error;
  }
}
