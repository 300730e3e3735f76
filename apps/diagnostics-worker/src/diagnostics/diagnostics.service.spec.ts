import { Logger } from '@nestjs/common';
import { loadFixture } from '@opal/contracts/testing';
import type { DegradedAlertPublisher } from './diagnostics.ports';
import type { DiagnosticsRepository } from './diagnostics.repository';
import { DiagnosticsService } from './diagnostics.service';
import type { DiagnosticsOptions, WorkflowDiagnostics } from './diagnostics.types';

const options: DiagnosticsOptions = {
  thresholds: { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 },
  keyPrefix: 'test:',
  maxSamplesPerAgent: 1000,
  retentionSeconds: 60,
  alertLeaseMs: 1000,
};

const workflow = (overrides: Partial<WorkflowDiagnostics> = {}): WorkflowDiagnostics => ({
  workflowId: 'wf-2026-11-26-0001',
  clientName: 'acme-retail',
  workflowName: 'strategy_workflow',
  status: 'running',
  startedAt: 1,
  completedAt: null,
  estimatedDurationMs: 180_000,
  totalDurationMs: null,
  agents: { events: 0, completed: 0, failed: 0 },
  reportedAgents: null,
  lastDecision: null,
  health: 'healthy',
  degradedReasons: [],
  ...overrides,
});

const failing = workflow({ agents: { events: 3, completed: 1, failed: 2 } });

describe(DiagnosticsService.name, () => {
  const repository = {
    applyWorkflowStarted: jest.fn(),
    applyAgentCompleted: jest.fn(),
    applyWorkflowCompleted: jest.fn(),
    applyDecisionGenerated: jest.fn(),
    applyDecisionDegraded: jest.fn(),
    applyCounted: jest.fn(),
    findWorkflow: jest.fn(),
    summary: jest.fn(),
    markDegradedAndClaimAlert: jest.fn(),
    completeAlert: jest.fn(),
    releaseAlert: jest.fn(),
  };
  const publisher = { publish: jest.fn<Promise<void>, Parameters<DegradedAlertPublisher['publish']>>() };
  const service = new DiagnosticsService(repository as unknown as DiagnosticsRepository, publisher, options);

  let warn: jest.SpyInstance;

  /** What every workflow apply script replies: applied or not, and the workflow state it left. */
  const workflowAfterApply = (state: ReturnType<typeof workflow> | null, applied = true) => {
    for (const apply of [
      repository.applyWorkflowStarted,
      repository.applyAgentCompleted,
      repository.applyWorkflowCompleted,
      repository.applyDecisionGenerated,
    ]) {
      apply.mockResolvedValue({ applied, workflow: state });
    }
  };

  beforeEach(() => {
    jest.restoreAllMocks();
    jest.resetAllMocks();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    workflowAfterApply(workflow());
    repository.markDegradedAndClaimAlert.mockResolvedValue(true);
    repository.completeAlert.mockResolvedValue(true);
    repository.releaseAlert.mockResolvedValue(true);
    publisher.publish.mockResolvedValue(undefined);
  });

  describe('onAgentCompleted', () => {
    it('should apply the event and raise nothing while the workflow is healthy', async () => {
      const event = loadFixture('agent.completed');

      await expect(service.onAgentCompleted(event)).resolves.toEqual({ applied: true, alerts: [] });

      expect(repository.applyAgentCompleted).toHaveBeenCalledWith(event);
      // Detection judges the state the apply script returned: no read-back round trip.
      expect(repository.findWorkflow).not.toHaveBeenCalled();
      expect(publisher.publish).not.toHaveBeenCalled();
    });

    it('should mark the workflow degraded and publish the alert once the failure rate crosses the threshold', async () => {
      const event = loadFixture('agent.completed');
      workflowAfterApply(failing);

      const outcome = await service.onAgentCompleted(event);

      const alert = {
        workflow_id: event.workflow_id,
        decision_id: null,
        reason: 'Agent failure rate 0.67 reached the 0.50 threshold (2 of 3 agents failed)',
        severity: 'medium',
        metric: 'agent_failure_rate',
        observed: 2 / 3,
        threshold: 0.5,
        detected_by: 'diagnostics-worker',
      };
      expect(outcome.alerts).toEqual([alert]);
      expect(repository.markDegradedAndClaimAlert).toHaveBeenCalledWith(
        event.workflow_id,
        'agent_failure_rate',
        event.event_id,
      );
      expect(publisher.publish).toHaveBeenCalledWith(alert, event);
      expect(repository.completeAlert).toHaveBeenCalledWith(event.workflow_id, 'agent_failure_rate', event.event_id);
      expect(warn).toHaveBeenCalledWith(
        {
          event_id: event.event_id,
          correlation_id: event.correlation_id,
          workflow_id: event.workflow_id,
          metric: 'agent_failure_rate',
          severity: 'medium',
        },
        'workflow degraded: alert published',
      );
    });

    it('should not publish when the alert was already sent or is being sent', async () => {
      workflowAfterApply(failing);
      repository.markDegradedAndClaimAlert.mockResolvedValue(false);

      await expect(service.onAgentCompleted(loadFixture('agent.completed'))).resolves.toEqual({
        applied: true,
        alerts: [],
      });

      expect(publisher.publish).not.toHaveBeenCalled();
      expect(repository.completeAlert).not.toHaveBeenCalled();
    });

    it('should release the guard and rethrow when publishing fails, so a retry can publish', async () => {
      const event = loadFixture('agent.completed');
      const failure = new Error('broker unavailable');
      workflowAfterApply(failing);
      publisher.publish.mockRejectedValue(failure);

      await expect(service.onAgentCompleted(event)).rejects.toBe(failure);

      expect(repository.releaseAlert).toHaveBeenCalledWith(event.workflow_id, 'agent_failure_rate', event.event_id);
      expect(repository.completeAlert).not.toHaveBeenCalled();
    });

    it('should rethrow the publish error even when releasing the guard fails too', async () => {
      const failure = new Error('broker unavailable');
      workflowAfterApply(failing);
      publisher.publish.mockRejectedValue(failure);
      repository.releaseAlert.mockRejectedValue(new Error('Connection is closed.'));

      await expect(service.onAgentCompleted(loadFixture('agent.completed'))).rejects.toBe(failure);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ metric: 'agent_failure_rate' }),
        'could not release the alert guard after a failed publish; it expires with its lease',
      );
    });

    it('should still judge the workflow when the event was applied before (the retry of a failed publish)', async () => {
      workflowAfterApply(failing, false);

      const outcome = await service.onAgentCompleted(loadFixture('agent.completed'));

      expect(outcome.applied).toBe(false);
      expect(outcome.alerts.map((alert) => alert.metric)).toEqual(['agent_failure_rate']);
    });

    it('should propagate a Redis error untouched and publish nothing', async () => {
      const failure = new Error('Connection is closed.');
      repository.applyAgentCompleted.mockRejectedValue(failure);

      await expect(service.onAgentCompleted(loadFixture('agent.completed'))).rejects.toBe(failure);

      expect(publisher.publish).not.toHaveBeenCalled();
    });
  });

  describe('onWorkflowStarted', () => {
    it('should apply the event and judge its workflow', async () => {
      const event = loadFixture('workflow.started');

      await service.onWorkflowStarted(event);

      expect(repository.applyWorkflowStarted).toHaveBeenCalledWith(event);
      // Detection judges the state the apply script returned: no read-back round trip.
      expect(repository.findWorkflow).not.toHaveBeenCalled();
    });
  });

  describe('onWorkflowCompleted', () => {
    it('should raise one alert per threshold crossed', async () => {
      workflowAfterApply(workflow({ status: 'failure', totalDurationMs: 720_000 }));

      const outcome = await service.onWorkflowCompleted(loadFixture('workflow.completed'));

      expect(outcome.alerts.map((alert) => [alert.metric, alert.severity])).toEqual([
        ['duration_ratio', 'critical'],
        ['workflow_failed', 'high'],
      ]);
      expect(publisher.publish).toHaveBeenCalledTimes(2);
    });
  });

  describe('onDecisionGenerated', () => {
    it('should judge the decision of the event, naming it in the alert', async () => {
      const event = { ...loadFixture('decision.generated'), decision_id: 'dec-low', overall_confidence: 0.2 };

      const outcome = await service.onDecisionGenerated(event);

      expect(repository.applyDecisionGenerated).toHaveBeenCalledWith(event);
      expect(outcome.alerts).toEqual([
        expect.objectContaining({
          metric: 'decision_confidence',
          decision_id: 'dec-low',
          observed: 0.2,
          threshold: 0.5,
          severity: 'critical',
        }),
      ]);
    });
  });

  describe('onDecisionDegraded', () => {
    it('should apply the event without judging, so its own alerts never echo', async () => {
      const event = loadFixture('decision.degraded');
      repository.applyDecisionDegraded.mockResolvedValue(true);

      await expect(service.onDecisionDegraded(event)).resolves.toEqual({ applied: true, alerts: [] });

      expect(repository.applyDecisionDegraded).toHaveBeenCalledWith(event);
      expect(repository.findWorkflow).not.toHaveBeenCalled();
    });
  });

  describe('onKnowledgeUpserted', () => {
    it('should count the event by its id', async () => {
      const event = loadFixture('knowledge.upserted');
      repository.applyCounted.mockResolvedValue(true);

      await expect(service.onKnowledgeUpserted(event)).resolves.toEqual({ applied: true, alerts: [] });

      expect(repository.applyCounted).toHaveBeenCalledWith('knowledge.upserted', event.event_id);
    });
  });

  describe('onPreferencesUpdated', () => {
    it('should count the event by its id', async () => {
      const event = loadFixture('user.preferences.updated');
      repository.applyCounted.mockResolvedValue(false);

      await expect(service.onPreferencesUpdated(event)).resolves.toEqual({ applied: false, alerts: [] });

      expect(repository.applyCounted).toHaveBeenCalledWith('user.preferences.updated', event.event_id);
    });
  });
});
