import type { EventType, WorkflowStatus } from '@opal/contracts';

/** When a workflow counts as degraded (`DEGRADED_*` env variables). */
export interface DegradedThresholds {
  /** Failed (failure or timeout) share of a workflow's agent events at or above which it is degraded, 0-1. */
  agentFailureRate: number;
  /** Agent events a workflow needs before its failure rate is judged. */
  minAgentEvents: number;
  /** Degraded when total_duration_ms exceeds this multiple of estimated_duration_ms. */
  durationFactor: number;
  /** Degraded when a decision's overall_confidence is below this, 0-1. */
  minConfidence: number;
}

/** Resolved options of `DiagnosticsModule`. */
export interface DiagnosticsOptions {
  thresholds: DegradedThresholds;
  keyPrefix: string;
  maxSamplesPerAgent: number;
  retentionSeconds: number;
  alertLeaseMs: number;
}

export type WorkflowRunStatus = 'running' | WorkflowStatus;
export type WorkflowHealth = 'healthy' | 'degraded';

/** What diagnostics knows about one workflow run; the body of `GET /v1/diagnostics/workflows/:workflowId`. */
export interface WorkflowDiagnostics {
  workflowId: string;
  clientName: string | null;
  workflowName: string | null;
  /** `running` until a workflow.completed arrives. */
  status: WorkflowRunStatus;
  /** Epoch ms of the workflow.started event. */
  startedAt: number | null;
  /** Epoch ms of the workflow.completed event. */
  completedAt: number | null;
  estimatedDurationMs: number | null;
  totalDurationMs: number | null;
  /** Counted from agent.completed events: completed = success or partial, failed = failure or timeout. */
  agents: { events: number; completed: number; failed: number };
  /** The totals workflow.completed reported, once it arrived. */
  reportedAgents: { completed: number; failed: number } | null;
  /** The decision with the latest event timestamp. */
  lastDecision: { decisionId: string; overallConfidence: number; at: number } | null;
  health: WorkflowHealth;
  /** Metric names of every degradation found (e.g. `agent_failure_rate`), sorted. */
  degradedReasons: string[];
}

/** The body of `GET /v1/diagnostics/workflows`: the degraded workflows first, then the others, each by most recent activity. */
export interface WorkflowDiagnosticsList {
  /** At most `limit` workflows. */
  workflows: WorkflowDiagnostics[];
  /** Workflows remembered (active within the retention), as in the summary's `workflowsByHealth`. */
  total: number;
  /** Of them, the degraded ones. */
  degraded: number;
}

export interface AgentStatistics {
  agentId: string;
  count: number;
  /** Share of executions with status success, 0-1. */
  successRate: number;
  /** Over the most recent `maxSamplesPerAgent` executions; null before the first. */
  p50ProcessingTimeMs: number | null;
  p95ProcessingTimeMs: number | null;
}

/** The body of `GET /v1/diagnostics/summary`. */
export interface DiagnosticsSummary {
  /** Events whose handler applied them (each event_id once); duplicates excluded. */
  totalEventsProcessed: number;
  /** Deliveries the pipeline skipped as already processed. */
  duplicatesSkipped: number;
  eventsByType: Record<EventType, number>;
  duplicatesByType: Record<EventType, number>;
  workflowsByHealth: Record<WorkflowHealth, number>;
  /** Sorted by agentId. */
  agents: AgentStatistics[];
}
