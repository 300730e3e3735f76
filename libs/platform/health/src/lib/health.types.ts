import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { ReadinessCheck } from './readiness/readiness.checks';

/** Options of `HealthModule.forRoot`; injectable under `HEALTH_OPTIONS`. */
export interface HealthModuleOptions {
  /** Deadline of every readiness check, also for indicators that set none. Default 1500 ms. */
  checkTimeoutMs?: number;
  /** On SIGTERM, how long `/health/ready` answers 503 before the server closes. Default 0. */
  gracefulShutdownTimeoutMs?: number;
}

/** Options that shape the module itself, so they are also accepted by `forRootAsync`. */
export interface HealthModuleExtras {
  /** The dependencies `GET /health/ready` checks, in order. */
  readiness: ReadinessCheck[];
  /**
   * What `GET /health/live` checks besides the process: only conditions a restart cures (e.g. a
   * stalled consumer). A dependency outage belongs in `readiness`, or pods restart in a loop.
   */
  liveness: ReadinessCheck[];
  /** Modules exporting what the readiness factories and classes inject (e.g. the Redis client). */
  imports: Array<Type | DynamicModule | Promise<DynamicModule> | ForwardReference>;
  /** Also serve the seed's `GET /api/health` (= ready) and `GET /api/kafka/health` (Kafka only). */
  seedAliases: boolean;
}
