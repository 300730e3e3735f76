import type { Severity } from '@opal/contracts';
import type { DegradedThresholds, WorkflowDiagnostics } from './diagnostics.types';

/** The metrics a workflow can degrade on; each one alerts at most once per workflow. */
export const DEGRADATION_METRICS = [
  'agent_failure_rate',
  'duration_ratio',
  'decision_confidence',
  'workflow_failed',
] as const;
export type DegradationMetric = (typeof DEGRADATION_METRICS)[number];

/** One threshold a workflow crossed. */
export interface Degradation {
  metric: DegradationMetric;
  observed: number;
  threshold: number;
  severity: Severity;
  /** In words, for people reading the alert. */
  reason: string;
  decisionId: string | null;
}

/** A decision to judge, when the event at hand is one (it may be older than the workflow's latest). */
export interface DecisionUnderReview {
  decisionId: string;
  overallConfidence: number;
}

/**
 * Severity from how many times over its threshold a value is (1 = just crossed): under 1.25× low,
 * under 1.5× medium, under 2× high, else critical. A failure rate threshold of 0.5 thus reaches
 * critical only when every agent failed; a duration factor of 2 at four times the estimate.
 */
export function severityOf(overshoot: number): Severity {
  if (overshoot < 1.25) return 'low';
  if (overshoot < 1.5) return 'medium';
  if (overshoot < 2) return 'high';
  return 'critical';
}

/** How many times over an upper threshold `observed` is; a zero threshold is crossed infinitely. */
const over = (observed: number, threshold: number) => (threshold > 0 ? observed / threshold : Number.POSITIVE_INFINITY);

const ratio = (value: number) => value.toFixed(2);

/**
 * Every threshold the workflow currently crosses (ARCHITECTURE.md §4). Pure, so the same state
 * always yields the same degradations: the once-per-workflow-and-metric guard makes re-evaluation
 * after every event (and after a failed publish) safe.
 */
export function detectDegradations(
  workflow: WorkflowDiagnostics,
  thresholds: DegradedThresholds,
  decision: DecisionUnderReview | null = null,
): Degradation[] {
  const found: Degradation[] = [];
  const { events, failed } = workflow.agents;
  if (events > 0 && events >= thresholds.minAgentEvents) {
    const failureRate = failed / events;
    if (failed > 0 && failureRate >= thresholds.agentFailureRate) {
      found.push({
        metric: 'agent_failure_rate',
        observed: failureRate,
        threshold: thresholds.agentFailureRate,
        severity: severityOf(over(failureRate, thresholds.agentFailureRate)),
        reason: `Agent failure rate ${ratio(failureRate)} reached the ${ratio(thresholds.agentFailureRate)} threshold (${failed} of ${events} agents failed)`,
        decisionId: null,
      });
    }
  }

  const { totalDurationMs: total, estimatedDurationMs: estimate } = workflow;
  if (total !== null && estimate !== null && estimate > 0) {
    const durationRatio = total / estimate;
    if (durationRatio > thresholds.durationFactor) {
      found.push({
        metric: 'duration_ratio',
        observed: durationRatio,
        threshold: thresholds.durationFactor,
        severity: severityOf(over(durationRatio, thresholds.durationFactor)),
        reason: `Run took ${ratio(durationRatio)}x its estimate (${total} ms against ${estimate} ms), over the ${thresholds.durationFactor}x limit`,
        decisionId: null,
      });
    }
  }

  const judged =
    decision ??
    (workflow.lastDecision && {
      decisionId: workflow.lastDecision.decisionId,
      overallConfidence: workflow.lastDecision.overallConfidence,
    });
  if (judged && judged.overallConfidence < thresholds.minConfidence) {
    found.push({
      metric: 'decision_confidence',
      observed: judged.overallConfidence,
      threshold: thresholds.minConfidence,
      // Lower is worse here, so the overshoot is how many times the confidence fits into the minimum.
      severity: severityOf(
        judged.overallConfidence > 0 ? thresholds.minConfidence / judged.overallConfidence : Number.POSITIVE_INFINITY,
      ),
      reason: `Decision ${judged.decisionId} has overall confidence ${ratio(judged.overallConfidence)}, under the ${ratio(thresholds.minConfidence)} minimum`,
      decisionId: judged.decisionId,
    });
  }

  if (workflow.status === 'failure') {
    found.push({
      metric: 'workflow_failed',
      observed: 1,
      threshold: 0,
      severity: 'high',
      reason: 'Workflow completed with status failure',
      decisionId: null,
    });
  }
  return found;
}
