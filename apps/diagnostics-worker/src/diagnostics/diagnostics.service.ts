import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  AgentCompletedEvent,
  DecisionDegradedEvent,
  DecisionGeneratedEvent,
  KnowledgeUpsertedEvent,
  OpalEvent,
  UserPreferencesUpdatedEvent,
  WorkflowCompletedEvent,
  WorkflowStartedEvent,
} from '@opal/contracts';
import { DETECTED_BY, DIAGNOSTICS_OPTIONS } from './diagnostics.constants';
import { detectDegradations, type Degradation, type DecisionUnderReview } from './diagnostics.detection';
import { DEGRADED_ALERT_PUBLISHER, type DegradedAlert, type DegradedAlertPublisher } from './diagnostics.ports';
import { DiagnosticsRepository, type WorkflowApplied } from './diagnostics.repository';
import type {
  DiagnosticsOptions,
  DiagnosticsSummary,
  WorkflowDiagnostics,
  WorkflowDiagnosticsList,
} from './diagnostics.types';

/** What handling one event did. */
export interface DiagnosticsOutcome {
  /** false when the event had already been applied (a redelivery): state left alone, counted in `duplicatesSkipped`. */
  applied: boolean;
  /** Alerts this call published (detection runs on re-runs too, so a failed publish is retried). */
  alerts: DegradedAlert[];
}

/**
 * The diagnostics worker's use cases. Each event is applied at most once (keyed by event_id); then
 * the workflow is judged against the thresholds and every degradation not yet alerted is published
 * through the `DegradedAlertPublisher`, once per workflow and metric. Errors propagate (Redis down,
 * publish failed), so the pipeline retries, pauses or dead-letters.
 */
@Injectable()
export class DiagnosticsService {
  private readonly logger = new Logger(DiagnosticsService.name);

  constructor(
    private readonly repository: DiagnosticsRepository,
    @Inject(DEGRADED_ALERT_PUBLISHER) private readonly publisher: DegradedAlertPublisher,
    @Inject(DIAGNOSTICS_OPTIONS) private readonly options: DiagnosticsOptions,
  ) {}

  async onWorkflowStarted(event: WorkflowStartedEvent): Promise<DiagnosticsOutcome> {
    const { applied, workflow } = await this.repository.applyWorkflowStarted(event);
    return { applied, alerts: await this.judge(workflow, event) };
  }

  async onAgentCompleted(event: AgentCompletedEvent): Promise<DiagnosticsOutcome> {
    const { applied, workflow } = await this.repository.applyAgentCompleted(event);
    return { applied, alerts: await this.judge(workflow, event) };
  }

  /**
   * Agent results in offset order (a key group): each workflow's results are applied in one step
   * (and its agents' statistics in one per agent) and then judged one by one on the state each
   * left, as if they had come one at a time. The
   * workflows' applies start together; it settles only when all have, rejecting with the first
   * failure, so nothing is still running when the pipeline falls back to one record at a time.
   */
  async onAgentResults(events: readonly AgentCompletedEvent[]): Promise<DiagnosticsOutcome[]> {
    const outcomes: DiagnosticsOutcome[] = new Array<DiagnosticsOutcome>(events.length);
    const settled = await Promise.allSettled(
      [...indexesByWorkflow(events).values()].map(async (indexes) => {
        const group = indexes.map((i) => events[i] as AgentCompletedEvent);
        const applied = await this.repository.applyAgentResults(group);
        for (const [j, index] of indexes.entries()) {
          const { applied: wasApplied, workflow } = applied[j] as WorkflowApplied;
          outcomes[index] = {
            applied: wasApplied,
            alerts: await this.judge(workflow, group[j] as AgentCompletedEvent),
          };
        }
      }),
    );
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return outcomes;
  }

  async onWorkflowCompleted(event: WorkflowCompletedEvent): Promise<DiagnosticsOutcome> {
    const { applied, workflow } = await this.repository.applyWorkflowCompleted(event);
    return { applied, alerts: await this.judge(workflow, event) };
  }

  async onDecisionGenerated(event: DecisionGeneratedEvent): Promise<DiagnosticsOutcome> {
    const { applied, workflow } = await this.repository.applyDecisionGenerated(event);
    const decision = { decisionId: event.decision_id, overallConfidence: event.overall_confidence };
    return { applied, alerts: await this.judge(workflow, event, decision) };
  }

  /** Marks the workflow degraded; never alerts, or this worker's own alerts would echo. */
  async onDecisionDegraded(event: DecisionDegradedEvent): Promise<DiagnosticsOutcome> {
    return { applied: await this.repository.applyDecisionDegraded(event), alerts: [] };
  }

  async onKnowledgeUpserted(event: KnowledgeUpsertedEvent): Promise<DiagnosticsOutcome> {
    return { applied: await this.repository.applyCounted('knowledge.upserted', event.event_id), alerts: [] };
  }

  async onPreferencesUpdated(event: UserPreferencesUpdatedEvent): Promise<DiagnosticsOutcome> {
    return { applied: await this.repository.applyCounted('user.preferences.updated', event.event_id), alerts: [] };
  }

  summary(): Promise<DiagnosticsSummary> {
    return this.repository.summary();
  }

  findWorkflow(workflowId: string): Promise<WorkflowDiagnostics | null> {
    return this.repository.findWorkflow(workflowId);
  }

  /** Up to `limit` workflows, the degraded ones first, then the others, each by most recent activity. */
  listWorkflows(limit: number): Promise<WorkflowDiagnosticsList> {
    return this.repository.listWorkflows(limit);
  }

  /** Judges the state the apply script returned (no read-back: it is the state this event left). */
  private async judge(
    workflow: WorkflowDiagnostics | null,
    cause: OpalEvent,
    decision: DecisionUnderReview | null = null,
  ): Promise<DegradedAlert[]> {
    if (!workflow) return [];
    const { workflowId } = workflow;
    const alerts: DegradedAlert[] = [];
    // One at a time: a failure leaves the remaining ones to the retry, which re-detects them all.
    for (const degradation of detectDegradations(workflow, this.options.thresholds, decision)) {
      const alert = await this.raise(workflowId, degradation, cause);
      if (alert) alerts.push(alert);
    }
    return alerts;
  }

  /** Publishes the alert unless it was sent (or is being sent by another event); null when not ours to send. */
  private async raise(workflowId: string, degradation: Degradation, cause: OpalEvent): Promise<DegradedAlert | null> {
    const token = cause.event_id;
    if (!(await this.repository.markDegradedAndClaimAlert(workflowId, degradation.metric, token))) return null;
    const alert: DegradedAlert = {
      workflow_id: workflowId,
      decision_id: degradation.decisionId,
      reason: degradation.reason,
      severity: degradation.severity,
      metric: degradation.metric,
      observed: degradation.observed,
      threshold: degradation.threshold,
      detected_by: DETECTED_BY,
    };
    try {
      await this.publisher.publish(alert, cause);
    } catch (error) {
      await this.releaseAfterFailedPublish(workflowId, degradation, token);
      throw error;
    }
    await this.repository.completeAlert(workflowId, degradation.metric, token);
    this.logger.warn(
      {
        event_id: cause.event_id,
        correlation_id: cause.correlation_id,
        workflow_id: workflowId,
        metric: alert.metric,
        severity: alert.severity,
      },
      'workflow degraded: alert published',
    );
    return alert;
  }

  /** The publish error is what the pipeline must see; a guard left behind frees itself after the lease. */
  private async releaseAfterFailedPublish(workflowId: string, degradation: Degradation, token: string): Promise<void> {
    try {
      await this.repository.releaseAlert(workflowId, degradation.metric, token);
    } catch (releaseError) {
      this.logger.warn(
        { err: releaseError, workflow_id: workflowId, metric: degradation.metric },
        'could not release the alert guard after a failed publish; it expires with its lease',
      );
    }
  }
}

/** Positions of each workflow's events, in order: a key is a workflow_id, but nothing stops a producer keying otherwise. */
function indexesByWorkflow(events: readonly AgentCompletedEvent[]): Map<string, number[]> {
  const byWorkflow = new Map<string, number[]>();
  events.forEach((event, i) => {
    const indexes = byWorkflow.get(event.workflow_id);
    if (indexes) indexes.push(i);
    else byWorkflow.set(event.workflow_id, [i]);
  });
  return byWorkflow;
}
