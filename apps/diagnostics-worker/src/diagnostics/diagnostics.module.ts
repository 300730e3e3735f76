import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import {
  DEFAULT_ALERT_LEASE_MS,
  DEFAULT_RETENTION_SECONDS,
  DEFAULT_DIAGNOSTICS_KEY_PREFIX,
  DEFAULT_MAX_SAMPLES_PER_AGENT,
  DIAGNOSTICS_OPTIONS,
} from './diagnostics.constants';
import { DiagnosticsHttpController } from './diagnostics.http.controller';
import { DiagnosticsMessageController } from './diagnostics.message.controller';
import { DiagnosticsRepository } from './diagnostics.repository';
import { DiagnosticsService } from './diagnostics.service';
import type { DegradedThresholds, DiagnosticsOptions } from './diagnostics.types';

export interface DiagnosticsModuleOptions {
  /** When a workflow counts as degraded; the app reads them from `DEGRADED_*`. */
  thresholds: DegradedThresholds;
  /**
   * Provides `DEGRADED_ALERT_PUBLISHER` (`DegradedAlertPublisher`), e.g.
   * `{ provide: DEGRADED_ALERT_PUBLISHER, useClass: KafkaDegradedAlertPublisher }`.
   */
  degradedAlertPublisher: Provider;
  /** Modules the publisher provider needs (its producer, say). */
  imports?: DynamicModule['imports'];
  /** Prefix of every Redis key of the worker. Default `opal:diagnostics:`. */
  keyPrefix?: string;
  /** Timing samples kept per agent for p50/p95. Default 1000. */
  maxSamplesPerAgent?: number;
  /**
   * How long an event's applied marker is kept (the window in which a repeat is recognised), and a
   * workflow's state after its last event. Default 7 days.
   */
  retentionSeconds?: number;
  /** How long an alert guard stays claimed while its alert is published. Default 60 s. */
  alertLeaseMs?: number;
}

/**
 * The diagnostics domain: the Kafka handlers (`DiagnosticsMessageController`, one per topic), the
 * query API (`GET /v1/diagnostics/summary`, `GET /v1/diagnostics/workflows`,
 * `GET /v1/diagnostics/workflows/:workflowId`), and their Redis state. The repository takes the
 * connection that `WorkerPlatformModule` provides globally under `@nestjs-modules/ioredis`'s default
 * token (`@InjectRedis()`) and closes on shutdown. Each apply script is the one idempotency mechanism
 * of this hop: it refuses an `event_id` it has applied and counts that delivery in
 * `duplicatesSkipped` in the same step.
 */
@Module({})
export class DiagnosticsModule {
  static forRoot(options: DiagnosticsModuleOptions): DynamicModule {
    return {
      module: DiagnosticsModule,
      imports: options.imports ?? [],
      controllers: [DiagnosticsMessageController, DiagnosticsHttpController],
      providers: [
        { provide: DIAGNOSTICS_OPTIONS, useValue: resolveDiagnosticsOptions(options) },
        options.degradedAlertPublisher,
        DiagnosticsRepository,
        DiagnosticsService,
      ],
      exports: [DiagnosticsService],
    };
  }
}

/** Applies the defaults and refuses values no deployment means. */
export function resolveDiagnosticsOptions(
  options: Omit<DiagnosticsModuleOptions, 'degradedAlertPublisher' | 'imports'>,
): DiagnosticsOptions {
  const keyPrefix = options.keyPrefix ?? DEFAULT_DIAGNOSTICS_KEY_PREFIX;
  if (keyPrefix.length === 0) throw new RangeError('keyPrefix must not be empty');
  // Redis Cluster hashes a key's first {…}: it must be the shard tag after the prefix.
  if (/[{}]/.test(keyPrefix)) throw new RangeError(`keyPrefix must not contain { or }, got ${keyPrefix}`);
  const { agentFailureRate, minAgentEvents, durationFactor, minConfidence } = options.thresholds;
  if (!(agentFailureRate > 0 && agentFailureRate <= 1))
    throw new RangeError(`thresholds.agentFailureRate must be in (0, 1], got ${String(agentFailureRate)}`);
  if (!(durationFactor > 0 && Number.isFinite(durationFactor)))
    throw new RangeError(`thresholds.durationFactor must be a positive number, got ${String(durationFactor)}`);
  if (!(minConfidence >= 0 && minConfidence <= 1))
    throw new RangeError(`thresholds.minConfidence must be in [0, 1], got ${String(minConfidence)}`);
  return {
    thresholds: {
      agentFailureRate,
      minAgentEvents: positiveInteger('thresholds.minAgentEvents', minAgentEvents),
      durationFactor,
      minConfidence,
    },
    keyPrefix,
    maxSamplesPerAgent: positiveInteger(
      'maxSamplesPerAgent',
      options.maxSamplesPerAgent ?? DEFAULT_MAX_SAMPLES_PER_AGENT,
    ),
    retentionSeconds: positiveInteger('retentionSeconds', options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS),
    alertLeaseMs: positiveInteger('alertLeaseMs', options.alertLeaseMs ?? DEFAULT_ALERT_LEASE_MS),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
