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
    applyAgentResults: jest.fn(),
    applyWorkflowCompleted: jest.fn(),
    applyDecisionGenerated: jest.fn(),
    applyDecisionDegraded: jest.fn(),
    applyCounted: jest.fn(),
    findWorkflow: jest.fn(),
    listWorkflows: jest.fn(),
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

  describe('onAgentResults', () => {
    const agentResult = (eventId: string, workflowId = 'wf-2026-11-26-0001') => ({
      ...loadFixture('agent.completed'),
      event_id: eventId,
      workflow_id: workflowId,
    });
    const counted = (events: number, failed: number) =>
      workflow({ agents: { events, completed: events - failed, failed } });

    it('should judge every event on the state it left, so the one that crossed the threshold raises the alert', async () => {
      const events = ['e-0', 'e-1', 'e-2'].map((id) => agentResult(id));
      repository.applyAgentResults.mockResolvedValue([
        { applied: true, workflow: counted(1, 1) },
        { applied: true, workflow: counted(3, 2) },
        { applied: false, workflow: counted(3, 2) },
      ]);
      // The guard is taken by the first claim: later events of the same workflow find it held.
      repository.markDegradedAndClaimAlert.mockResolvedValueOnce(true).mockResolvedValue(false);

      const outcomes = await service.onAgentResults(events);

      expect(repository.applyAgentResults).toHaveBeenCalledTimes(1);
      expect(repository.applyAgentResults).toHaveBeenCalledWith(events);
      expect(outcomes.map((outcome) => [outcome.applied, outcome.alerts.map((alert) => alert.reason)])).toEqual([
        [true, []],
        [true, ['Agent failure rate 0.67 reached the 0.50 threshold (2 of 3 agents failed)']],
        [false, []],
      ]);
      expect(repository.markDegradedAndClaimAlert.mock.calls.map(([, , token]) => token)).toEqual(['e-1', 'e-2']);
      expect(publisher.publish).toHaveBeenCalledWith(
        expect.objectContaining({ metric: 'agent_failure_rate' }),
        events[1],
      );
    });

    it("should apply each workflow's results together and answer in the events' order", async () => {
      const events = [agentResult('a-0', 'wf-a'), agentResult('b-0', 'wf-b'), agentResult('a-1', 'wf-a')];
      repository.applyAgentResults.mockImplementation(async (group: Array<{ event_id: string }>) =>
        group.map((event) => ({ applied: event.event_id !== 'a-1', workflow: null })),
      );

      const outcomes = await service.onAgentResults(events);

      expect(
        repository.applyAgentResults.mock.calls.map(([group]) => group.map((e: { event_id: string }) => e.event_id)),
      ).toEqual([['a-0', 'a-1'], ['b-0']]);
      expect(outcomes.map((outcome) => outcome.applied)).toEqual([true, true, false]);
    });

    it('should reject with the failure only once every workflow has settled, so the pipeline can go one by one', async () => {
      const failure = new Error('Connection is closed.');
      let settled = 0;
      repository.applyAgentResults.mockImplementation(async (group: Array<{ workflow_id: string }>) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        settled += 1;
        if (group[0]?.workflow_id === 'wf-bad') throw failure;
        return group.map(() => ({ applied: true, workflow: null }));
      });

      await expect(service.onAgentResults([agentResult('x', 'wf-bad'), agentResult('y', 'wf-good')])).rejects.toBe(
        failure,
      );

      expect(settled).toBe(2);
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

  describe('listWorkflows', () => {
    it('should answer the list the repository read for the limit', async () => {
      const list = {
        workflows: [workflow({ health: 'degraded' }), workflow({ workflowId: 'wf-2' })],
        total: 7,
        degraded: 1,
      };
      repository.listWorkflows.mockResolvedValue(list);

      await expect(service.listWorkflows(2)).resolves.toBe(list);

      expect(repository.listWorkflows).toHaveBeenCalledWith(2);
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
