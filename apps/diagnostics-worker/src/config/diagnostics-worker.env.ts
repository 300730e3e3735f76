import { z } from 'zod';
import {
  LOCAL_STACK_DEFAULTS,
  parseEnv,
  platformSchema,
  positiveIntVar,
  toPlatformConfig,
  toWorkerConfig,
  workerEnv,
  type EnvSource,
} from '@opal/platform-config';

import { DEFAULT_RETENTION_SECONDS } from '../diagnostics/diagnostics.constants';

export const DIAGNOSTICS_WORKER = 'diagnostics-worker';

/** A decimal in [min, max] (or (min, max] when `exclusiveMin`), said in words a start-up error can show. */
function decimalVar(fallback: number, range: { min: number; max?: number; exclusiveMin?: boolean }) {
  const lower = range.exclusiveMin ? `> ${range.min}` : `>= ${range.min}`;
  const what = { error: `expected a number ${lower}${range.max === undefined ? '' : ` and <= ${range.max}`}` };
  const base = z.coerce.number(what);
  const bounded = range.exclusiveMin ? base.gt(range.min, what) : base.gte(range.min, what);
  return (range.max === undefined ? bounded : bounded.lte(range.max, what)).default(fallback);
}

/** Every variable this app reads, with its default: the one source of both (README's table is checked against it). */
export const diagnosticsWorkerEnv = platformSchema(LOCAL_STACK_DEFAULTS.appPorts['diagnostics-worker'], {
  ...workerEnv,
  // A failed share of a workflow's agent events at or above this marks it degraded.
  DEGRADED_AGENT_FAILURE_RATE: decimalVar(0.5, { min: 0, max: 1, exclusiveMin: true }),
  // Agent events a workflow needs before its failure rate is judged (one early failure is not a trend).
  DEGRADED_MIN_AGENT_EVENTS: positiveIntVar(3),
  // total_duration_ms over this many times estimated_duration_ms marks the workflow degraded.
  DEGRADED_DURATION_FACTOR: decimalVar(2, { min: 0, exclusiveMin: true }),
  // A decision's overall_confidence under this marks its workflow degraded; 0 turns the check off.
  DEGRADED_MIN_CONFIDENCE: decimalVar(0.5, { min: 0, max: 1 }),
  // How long an event's applied marker, and a workflow after its last event, are kept.
  DIAGNOSTICS_RETENTION_SECONDS: positiveIntVar(DEFAULT_RETENTION_SECONDS),
});

export type DiagnosticsWorkerConfig = ReturnType<typeof loadDiagnosticsWorkerConfig>;

export function loadDiagnosticsWorkerConfig(env: EnvSource) {
  const parsed = parseEnv(DIAGNOSTICS_WORKER, diagnosticsWorkerEnv, env);
  return {
    ...toPlatformConfig(parsed),
    worker: toWorkerConfig(parsed),
    thresholds: {
      agentFailureRate: parsed.DEGRADED_AGENT_FAILURE_RATE,
      minAgentEvents: parsed.DEGRADED_MIN_AGENT_EVENTS,
      durationFactor: parsed.DEGRADED_DURATION_FACTOR,
      minConfidence: parsed.DEGRADED_MIN_CONFIDENCE,
    },
    retentionSeconds: parsed.DIAGNOSTICS_RETENTION_SECONDS,
  };
}
