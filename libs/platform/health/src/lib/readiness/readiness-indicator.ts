import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * One readiness dependency. `check` reports `up` or `down` under `key` and never throws
 * (`HealthModule` still guards against an indicator that does, or that hangs).
 */
export interface ReadinessIndicator {
  readonly key: string;
  check(): Promise<HealthIndicatorResult>;
}
