import { detectDegradations, severityOf } from './diagnostics.detection';
import type { DegradedThresholds, WorkflowDiagnostics } from './diagnostics.types';

const thresholds: DegradedThresholds = {
  agentFailureRate: 0.5,
  minAgentEvents: 3,
  durationFactor: 2,
  minConfidence: 0.5,
};

const workflow = (overrides: Partial<WorkflowDiagnostics> = {}): WorkflowDiagnostics => ({
  workflowId: 'wf-1',
  clientName: 'acme-retail',
  workflowName: 'strategy_workflow',
  status: 'running',
  startedAt: 1_000,
  completedAt: null,
  estimatedDurationMs: 100_000,
  totalDurationMs: null,
  agents: { events: 0, completed: 0, failed: 0 },
  reportedAgents: null,
  lastDecision: null,
  health: 'healthy',
  degradedReasons: [],
  ...overrides,
});

const agents = (events: number, failed: number) => ({ events, completed: events - failed, failed });

describe(detectDegradations.name, () => {
  it('should find nothing in a healthy workflow', () => {
    const healthy = workflow({
      status: 'success',
      totalDurationMs: 200_000,
      agents: agents(4, 1),
      lastDecision: { decisionId: 'dec-1', overallConfidence: 0.5, at: 2_000 },
    });

    expect(detectDegradations(healthy, thresholds)).toEqual([]);
  });

  describe('agent failure rate', () => {
    it('should flag a failure rate at the threshold once enough agent events arrived', () => {
      expect(detectDegradations(workflow({ agents: agents(4, 2) }), thresholds)).toEqual([
        {
          metric: 'agent_failure_rate',
          observed: 0.5,
          threshold: 0.5,
          severity: 'low',
          reason: 'Agent failure rate 0.50 reached the 0.50 threshold (2 of 4 agents failed)',
          decisionId: null,
        },
      ]);
    });

    it('should wait for minAgentEvents before judging the rate', () => {
      expect(detectDegradations(workflow({ agents: agents(2, 2) }), thresholds)).toEqual([]);
    });

    it('should grade the severity by how far the rate is over the threshold', () => {
      const severityAt = (events: number, failed: number) =>
        detectDegradations(workflow({ agents: agents(events, failed) }), thresholds)[0]?.severity;

      expect([severityAt(3, 2), severityAt(5, 4), severityAt(3, 3)]).toEqual(['medium', 'high', 'critical']);
    });
  });

  describe('duration', () => {
    it('should flag a run longer than durationFactor times its estimate', () => {
      expect(detectDegradations(workflow({ totalDurationMs: 250_000 }), thresholds)).toEqual([
        expect.objectContaining({ metric: 'duration_ratio', observed: 2.5, threshold: 2, severity: 'medium' }),
      ]);
    });

    it('should not flag a run of exactly durationFactor times its estimate', () => {
      expect(detectDegradations(workflow({ totalDurationMs: 200_000 }), thresholds)).toEqual([]);
    });

    it('should not judge the duration without an estimate', () => {
      expect(detectDegradations(workflow({ estimatedDurationMs: null, totalDurationMs: 900_000 }), thresholds)).toEqual(
        [],
      );
      expect(detectDegradations(workflow({ estimatedDurationMs: 0, totalDurationMs: 900_000 }), thresholds)).toEqual(
        [],
      );
    });

    it('should call four times the estimate critical under factor 2', () => {
      expect(detectDegradations(workflow({ totalDurationMs: 400_000 }), thresholds)[0]?.severity).toBe('critical');
    });
  });

  describe('decision confidence', () => {
    it('should flag the decision under review when its confidence is under the minimum', () => {
      expect(detectDegradations(workflow(), thresholds, { decisionId: 'dec-7', overallConfidence: 0.3 })).toEqual([
        {
          metric: 'decision_confidence',
          observed: 0.3,
          threshold: 0.5,
          severity: 'high',
          reason: 'Decision dec-7 has overall confidence 0.30, under the 0.50 minimum',
          decisionId: 'dec-7',
        },
      ]);
    });

    it('should judge the latest decision when no decision is under review', () => {
      const judged = detectDegradations(
        workflow({ lastDecision: { decisionId: 'dec-2', overallConfidence: 0.45, at: 5 } }),
        thresholds,
      );

      expect(judged).toEqual([
        expect.objectContaining({ metric: 'decision_confidence', decisionId: 'dec-2', severity: 'low' }),
      ]);
    });

    it('should call a zero confidence critical', () => {
      expect(
        detectDegradations(workflow(), thresholds, { decisionId: 'dec-0', overallConfidence: 0 })[0]?.severity,
      ).toBe('critical');
    });

    it('should never flag when the minimum is 0', () => {
      expect(
        detectDegradations(
          workflow(),
          { ...thresholds, minConfidence: 0 },
          { decisionId: 'dec-0', overallConfidence: 0 },
        ),
      ).toEqual([]);
    });
  });

  it('should flag a workflow completed with status failure', () => {
    expect(detectDegradations(workflow({ status: 'failure' }), thresholds)).toEqual([
      {
        metric: 'workflow_failed',
        observed: 1,
        threshold: 0,
        severity: 'high',
        reason: 'Workflow completed with status failure',
        decisionId: null,
      },
    ]);
  });

  it('should report every threshold crossed at once', () => {
    const bad = workflow({ status: 'failure', totalDurationMs: 250_000, agents: agents(3, 3) });

    expect(
      detectDegradations(bad, thresholds, { decisionId: 'dec-1', overallConfidence: 0.1 }).map((found) => found.metric),
    ).toEqual(['agent_failure_rate', 'duration_ratio', 'decision_confidence', 'workflow_failed']);
  });
});

describe(severityOf.name, () => {
  it.each([
    [1, 'low'],
    [1.24, 'low'],
    [1.25, 'medium'],
    [1.5, 'high'],
    [1.99, 'high'],
    [2, 'critical'],
    [Number.POSITIVE_INFINITY, 'critical'],
  ])('should call %s times the threshold %s', (overshoot, severity) => {
    expect(severityOf(overshoot)).toBe(severity);
  });
});
