import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  REDIS_SHARDS,
  redisKeyShardOf,
  type EventPayloadByType,
  type EventType,
  type ExecutionStatus,
  type OpalEvent,
} from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { diagnosticsKeys } from '@opal/contracts';
import type { DegradedAlert, DegradedAlertPublisher } from '../src/diagnostics/diagnostics.ports';
import { AGENT_RESULTS_PER_CALL, DiagnosticsRepository } from '../src/diagnostics/diagnostics.repository';
import { DiagnosticsService } from '../src/diagnostics/diagnostics.service';
import { connectRedis, deleteUnder, diagnosticsOptions, snapshot, uniquePrefix } from './support/diagnostics-redis';

const event = <T extends EventType>(
  type: T,
  overrides: Partial<EventPayloadByType[T]> = {},
): EventPayloadByType[T] => ({
  ...loadFixture(type),
  event_id: randomUUID(),
  ...overrides,
});

const agentEvent = (
  workflowId: string,
  status: ExecutionStatus,
  processingTimeMs = 1000,
  agentId = 'content-review-agent',
) =>
  event('agent.completed', {
    workflow_id: workflowId,
    agent_id: agentId,
    execution_status: status,
    processing_time_ms: processingTimeMs,
  });

/** Records what was published; `failNext` makes the next publishes reject, `delayMs` widens races. */
class RecordingPublisher implements DegradedAlertPublisher {
  readonly published: Array<{ alert: DegradedAlert; cause: OpalEvent }> = [];
  failNext = 0;
  delayMs = 0;

  async publish(alert: DegradedAlert, cause: OpalEvent): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('broker unavailable');
    }
    this.published.push({ alert, cause });
  }
}

describe(`${DiagnosticsRepository.name} and ${DiagnosticsService.name} (real Redis)`, () => {
  let redis: Redis;
  let prefix: string;
  let repository: DiagnosticsRepository;
  let publisher: RecordingPublisher;
  let service: DiagnosticsService;
  let workflowId: string;

  beforeAll(() => {
    redis = connectRedis();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    await redis.quit();
  });

  beforeEach(() => {
    prefix = uniquePrefix('repo');
    const options = diagnosticsOptions(prefix);
    repository = new DiagnosticsRepository(redis, options);
    publisher = new RecordingPublisher();
    service = new DiagnosticsService(repository, publisher, options);
    workflowId = `wf-int-${randomUUID()}`;
  });

  afterEach(async () => {
    await deleteUnder(redis, prefix);
  });

  describe('applying an event twice', () => {
    const handle = (type: EventType, payload: OpalEvent) => {
      switch (type) {
        case 'workflow.started':
          return service.onWorkflowStarted(payload as EventPayloadByType['workflow.started']);
        case 'agent.completed':
          return service.onAgentCompleted(payload as EventPayloadByType['agent.completed']);
        case 'workflow.completed':
          return service.onWorkflowCompleted(payload as EventPayloadByType['workflow.completed']);
        case 'decision.generated':
          return service.onDecisionGenerated(payload as EventPayloadByType['decision.generated']);
        case 'knowledge.upserted':
          return service.onKnowledgeUpserted(payload as EventPayloadByType['knowledge.upserted']);
        case 'decision.degraded':
          return service.onDecisionDegraded(payload as EventPayloadByType['decision.degraded']);
        case 'user.preferences.updated':
          return service.onPreferencesUpdated(payload as EventPayloadByType['user.preferences.updated']);
        default: {
          const unknown: never = type;
          throw new Error(`no handler for ${String(unknown)}`);
        }
      }
    };

    it.each<EventType>([
      'workflow.started',
      'agent.completed',
      'workflow.completed',
      'decision.generated',
      'knowledge.upserted',
      'decision.degraded',
      'user.preferences.updated',
    ])('should change nothing the second time for %s but count it as a duplicate', async (type) => {
      const payload = { ...event(type), workflow_id: workflowId } as OpalEvent;
      // Counted where the event is applied: its workflow's shard, or for an event only counted its own.
      const countedOnly = type === 'knowledge.upserted' || type === 'user.preferences.updated';
      const duplicates = diagnosticsKeys(prefix).duplicates(
        redisKeyShardOf(countedOnly ? payload.event_id : workflowId),
      );

      await expect(handle(type, payload)).resolves.toMatchObject({ applied: true });
      const afterFirst = await snapshot(redis, prefix);
      await expect(handle(type, payload)).resolves.toMatchObject({ applied: false });

      // The apply script refused the event and counted that in the same step; nothing else moved.
      expect(await snapshot(redis, prefix)).toEqual({ ...afterFirst, [duplicates]: { [type]: '1' } });
      expect((await repository.summary()).eventsByType[type]).toBe(1);
    });

    it('should return, from the apply script itself, the workflow exactly as stored, for the event and for its repeat', async () => {
      await repository.applyDecisionDegraded({ ...event('decision.degraded'), workflow_id: workflowId, metric: 'duration_ratio' });
      const agent = agentEvent(workflowId, 'failure');

      const first = await repository.applyAgentCompleted(agent);
      const stored = await repository.findWorkflow(workflowId);
      const repeat = await repository.applyAgentCompleted(agent);

      expect(first).toEqual({ applied: true, workflow: stored });
      expect(stored).toMatchObject({ agents: { events: 1, failed: 1 }, health: 'degraded', degradedReasons: ['duration_ratio'] });
      expect(repeat).toEqual({ applied: false, workflow: stored });
    });

    it('should return no workflow for a repeat whose workflow is no longer remembered', async () => {
      const started = { ...event('workflow.started'), workflow_id: workflowId };
      await repository.applyWorkflowStarted(started);
      await redis.del(diagnosticsKeys(prefix).workflow(workflowId));

      await expect(repository.applyWorkflowStarted(started)).resolves.toEqual({ applied: false, workflow: null });
    });

    it('should keep the applied marker for retentionSeconds only', async () => {
      const payload = event('knowledge.upserted');
      await repository.applyCounted('knowledge.upserted', payload.event_id);

      const ttl = await redis.ttl(diagnosticsKeys(prefix).applied(redisKeyShardOf(payload.event_id), payload.event_id));

      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    });
  });

  describe('what each event type updates', () => {
    it('should record workflow.started: client, name, start and estimate, status running, healthy', async () => {
      const started = event('workflow.started', {
        workflow_id: workflowId,
        estimated_duration_ms: 90_000,
        timestamp: 1_795_680_000_000,
      });

      await service.onWorkflowStarted(started);

      expect(await repository.findWorkflow(workflowId)).toEqual({
        workflowId,
        clientName: 'acme-retail',
        workflowName: 'strategy_workflow',
        status: 'running',
        startedAt: 1_795_680_000_000,
        completedAt: null,
        estimatedDurationMs: 90_000,
        totalDurationMs: null,
        agents: { events: 0, completed: 0, failed: 0 },
        reportedAgents: null,
        lastDecision: null,
        health: 'healthy',
        degradedReasons: [],
      });
    });

    it('should count agent.completed for the workflow (partial completes, timeout fails) and for the agent', async () => {
      for (const status of ['success', 'partial', 'timeout', 'success'] as const)
        await service.onAgentCompleted(agentEvent(workflowId, status));

      expect((await repository.findWorkflow(workflowId))?.agents).toEqual({ events: 4, completed: 3, failed: 1 });
      expect((await repository.summary()).agents).toEqual([
        {
          agentId: 'content-review-agent',
          count: 4,
          successRate: 0.5,
          p50ProcessingTimeMs: 1000,
          p95ProcessingTimeMs: 1000,
        },
      ]);
    });

    it('should record workflow.completed without losing what workflow.started said, in either order', async () => {
      const completed = event('workflow.completed', {
        workflow_id: workflowId,
        status: 'partial',
        total_duration_ms: 120_000,
        agents_completed: 4,
        agents_failed: 1,
        timestamp: 2_000,
      });
      await service.onWorkflowCompleted(completed);
      await service.onWorkflowStarted(
        event('workflow.started', { workflow_id: workflowId, estimated_duration_ms: 100_000, timestamp: 1_000 }),
      );

      expect(await repository.findWorkflow(workflowId)).toMatchObject({
        status: 'partial',
        startedAt: 1_000,
        completedAt: 2_000,
        estimatedDurationMs: 100_000,
        totalDurationMs: 120_000,
        reportedAgents: { completed: 4, failed: 1 },
        health: 'healthy',
      });
    });

    it('should keep the decision with the latest timestamp as the last one, whatever the arrival order', async () => {
      await service.onDecisionGenerated(
        event('decision.generated', {
          workflow_id: workflowId,
          decision_id: 'dec-new',
          overall_confidence: 0.8,
          timestamp: 5_000,
        }),
      );
      await service.onDecisionGenerated(
        event('decision.generated', {
          workflow_id: workflowId,
          decision_id: 'dec-old',
          overall_confidence: 0.9,
          timestamp: 4_000,
        }),
      );

      expect((await repository.findWorkflow(workflowId))?.lastDecision).toEqual({
        decisionId: 'dec-new',
        overallConfidence: 0.8,
        at: 5_000,
      });
    });

    it('should mark the workflow degraded by the metric of a decision.degraded event, without alerting', async () => {
      await service.onWorkflowStarted(event('workflow.started', { workflow_id: workflowId }));
      await service.onDecisionDegraded(event('decision.degraded', { workflow_id: workflowId, metric: 'latency_p99' }));

      expect(await repository.findWorkflow(workflowId)).toMatchObject({
        health: 'degraded',
        degradedReasons: ['latency_p99'],
      });
      expect((await repository.summary()).workflowsByHealth).toEqual({ healthy: 0, degraded: 1 });
      expect(publisher.published).toEqual([]);
    });

    it('should only count knowledge.upserted and user.preferences.updated', async () => {
      await service.onKnowledgeUpserted(event('knowledge.upserted'));
      await service.onPreferencesUpdated(event('user.preferences.updated'));

      const summary = await repository.summary();
      expect(summary).toMatchObject({
        totalEventsProcessed: 2,
        workflowsByHealth: { healthy: 0, degraded: 0 },
        agents: [],
      });
      expect(summary.eventsByType).toMatchObject({
        'knowledge.upserted': 1,
        'user.preferences.updated': 1,
        'agent.completed': 0,
      });
    });

    it('should count redeliveries the apply scripts refused, by type, apart from processed events', async () => {
      const agent = event('agent.completed');
      const started = event('workflow.started');
      for (const redelivery of [agent, agent, agent]) await service.onAgentCompleted(redelivery);
      for (const redelivery of [started, started]) await service.onWorkflowStarted(redelivery);

      const summary = await repository.summary();
      expect(summary).toMatchObject({ totalEventsProcessed: 2, duplicatesSkipped: 3 });
      expect(summary.duplicatesByType).toMatchObject({
        'agent.completed': 2,
        'workflow.started': 1,
        'decision.generated': 0,
      });
    });

    it('should find no workflow it never saw', async () => {
      expect(await repository.findWorkflow('wf-never-seen')).toBeNull();
    });
  });

  describe("a workflow's agent results in one step", () => {
    /** Keys without their prefix, and the activity indexes without their scores (Redis' clock at the write). */
    const comparable = async (under: string) => {
      const keys = diagnosticsKeys(under);
      const activityIndexes = new Set(
        REDIS_SHARDS.flatMap((shard) => [keys.workflows(shard), keys.degradedWorkflows(shard)]),
      );
      return Object.fromEntries(
        Object.entries(await snapshot(redis, under)).map(([key, value]) => [
          key.slice(under.length),
          activityIndexes.has(key) ? (value as string[]).filter((_, i) => i % 2 === 0) : value,
        ]),
      );
    };

    it('should leave Redis and every event exactly as applying them one by one does', async () => {
      const agents = ['a-agent', 'b-agent', 'c-agent'];
      const statuses: ExecutionStatus[] = ['success', 'failure', 'partial', 'timeout'];
      const fresh = Array.from({ length: 9 }, (_, i) =>
        agentEvent(workflowId, statuses[i % 4] as ExecutionStatus, 100 + i, agents[i % 3]),
      );
      const appliedBefore = fresh[0] as (typeof fresh)[number];
      // A repeat of one applied before, and a repeat inside the group.
      const events = [...fresh, appliedBefore, fresh[4] as (typeof fresh)[number]];
      const oneByOnePrefix = uniquePrefix('one-by-one');
      // A bound of 2 samples makes each agent's trim run inside the group.
      const options = { maxSamplesPerAgent: 2 };
      const oneByOne = new DiagnosticsRepository(redis, diagnosticsOptions(oneByOnePrefix, options));
      const grouped = new DiagnosticsRepository(redis, diagnosticsOptions(prefix, options));
      try {
        await oneByOne.applyAgentCompleted(appliedBefore);
        await grouped.applyAgentCompleted(appliedBefore);
        const expected: unknown[] = [];
        for (const agentResult of events) expected.push(await oneByOne.applyAgentCompleted(agentResult));

        const results = await grouped.applyAgentResults(events);

        expect(results).toEqual(expected);
        expect(results.map((result) => result.applied)).toEqual([
          false,
          ...fresh.slice(1).map(() => true),
          false,
          false,
        ]);
        expect(await comparable(prefix)).toEqual(await comparable(oneByOnePrefix));
        expect((await grouped.summary()).duplicatesSkipped).toBe(3);
      } finally {
        await deleteUnder(redis, oneByOnePrefix);
      }
    });

    it('should apply more results than one script call takes, in order, as several calls', async () => {
      const count = AGENT_RESULTS_PER_CALL * 2 + 7;
      const events = Array.from({ length: count }, (_, i) =>
        agentEvent(workflowId, i % 5 === 0 ? 'failure' : 'success', i + 1, 'busy-agent'),
      );

      const results = await repository.applyAgentResults(events);

      expect(results.every((result) => result.applied)).toBe(true);
      // Each event's state counts exactly the events up to it, across the calls' boundaries.
      expect(results.map((result) => result.workflow?.agents.events)).toEqual(events.map((_, i) => i + 1));
      expect(results.at(-1)?.workflow?.agents).toEqual({
        events: count,
        completed: count - Math.ceil(count / 5),
        failed: Math.ceil(count / 5),
      });
      expect(await redis.zrange(diagnosticsKeys(prefix).recent('busy-agent'), -1, -1, 'WITHSCORES')).toEqual([
        (events.at(-1) as (typeof events)[number]).event_id,
        String(count),
      ]);
    });

    it("should refuse results of several workflows: a workflow's counters are what each event is judged on", async () => {
      await expect(
        repository.applyAgentResults([agentEvent(workflowId, 'success'), agentEvent(`${workflowId}-other`, 'success')]),
      ).rejects.toThrow('applyAgentResults takes the agent results of one workflow');
    });
  });

  describe('agent statistics', () => {
    it('should compute p50 and p95 by nearest rank over the samples, in any arrival order', async () => {
      const times = Array.from({ length: 100 }, (_, i) => (i + 1) * 10).sort(() => Math.random() - 0.5);
      for (const time of times)
        await repository.applyAgentCompleted(agentEvent(workflowId, 'success', time, 'timing-agent'));

      expect((await repository.summary()).agents).toEqual([
        { agentId: 'timing-agent', count: 100, successRate: 1, p50ProcessingTimeMs: 500, p95ProcessingTimeMs: 950 },
      ]);
    });

    it('should keep only the most recent maxSamplesPerAgent samples while counting every execution', async () => {
      const bounded = new DiagnosticsRepository(redis, diagnosticsOptions(prefix, { maxSamplesPerAgent: 10 }));
      for (let time = 1; time <= 15; time += 1)
        await bounded.applyAgentCompleted(
          agentEvent(workflowId, time <= 3 ? 'failure' : 'success', time, 'bounded-agent'),
        );

      expect((await bounded.summary()).agents).toEqual([
        // samples 6..15: rank ceil(0.5 * 10) = 5 → 10, rank ceil(0.95 * 10) = 10 → 15
        { agentId: 'bounded-agent', count: 15, successRate: 12 / 15, p50ProcessingTimeMs: 10, p95ProcessingTimeMs: 15 },
      ]);
      expect(await redis.zcard(diagnosticsKeys(prefix).samples('bounded-agent'))).toBe(10);
      expect(await redis.zcard(diagnosticsKeys(prefix).recent('bounded-agent'))).toBe(10);
    });

    it('should list every agent, sorted by id', async () => {
      await repository.applyAgentCompleted(agentEvent(workflowId, 'success', 5, 'b-agent'));
      await repository.applyAgentCompleted(agentEvent(workflowId, 'failure', 7, 'a-agent'));

      expect((await repository.summary()).agents.map((agent) => [agent.agentId, agent.successRate])).toEqual([
        ['a-agent', 0],
        ['b-agent', 1],
      ]);
    });
  });

  describe('degraded alerts', () => {
    const failThreeAgents = async () => {
      await service.onWorkflowStarted(event('workflow.started', { workflow_id: workflowId }));
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      return service.onAgentCompleted(agentEvent(workflowId, 'success'));
    };

    it('should publish one alert when the failure rate crosses the threshold, and mark the workflow degraded', async () => {
      const outcome = await failThreeAgents();

      expect(outcome.alerts).toHaveLength(1);
      expect(publisher.published.map(({ alert }) => alert)).toEqual([
        {
          workflow_id: workflowId,
          decision_id: null,
          reason: 'Agent failure rate 0.67 reached the 0.50 threshold (2 of 3 agents failed)',
          severity: 'medium',
          metric: 'agent_failure_rate',
          observed: 2 / 3,
          threshold: 0.5,
          detected_by: 'diagnostics-worker',
        },
      ]);
      expect(await repository.findWorkflow(workflowId)).toMatchObject({
        health: 'degraded',
        degradedReasons: ['agent_failure_rate'],
      });
      expect(await redis.get(diagnosticsKeys(prefix).alert('agent_failure_rate', workflowId))).toBe('sent');
    });

    it('should not alert again for the same workflow and metric on later events', async () => {
      await failThreeAgents();
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      await service.onWorkflowCompleted(
        event('workflow.completed', { workflow_id: workflowId, status: 'partial', total_duration_ms: 1 }),
      );

      expect(publisher.published.map(({ alert }) => alert.metric)).toEqual(['agent_failure_rate']);
    });

    it('should alert once per metric: a failed, slow, low-confidence workflow raises three alerts', async () => {
      await service.onWorkflowStarted(
        event('workflow.started', { workflow_id: workflowId, estimated_duration_ms: 10_000 }),
      );
      await service.onDecisionGenerated(
        event('decision.generated', { workflow_id: workflowId, decision_id: 'dec-low', overall_confidence: 0.3 }),
      );
      await service.onWorkflowCompleted(
        event('workflow.completed', { workflow_id: workflowId, status: 'failure', total_duration_ms: 50_000 }),
      );
      await service.onWorkflowCompleted(
        event('workflow.completed', { workflow_id: workflowId, status: 'failure', total_duration_ms: 60_000 }),
      );

      expect(publisher.published.map(({ alert }) => [alert.metric, alert.severity, alert.decision_id])).toEqual([
        ['decision_confidence', 'high', 'dec-low'],
        ['duration_ratio', 'critical', null],
        ['workflow_failed', 'high', null],
      ]);
      expect((await repository.findWorkflow(workflowId))?.degradedReasons).toEqual([
        'decision_confidence',
        'duration_ratio',
        'workflow_failed',
      ]);
    });

    it('should publish exactly once when detections race on two workers', async () => {
      const otherRedis = connectRedis();
      try {
        const options = diagnosticsOptions(prefix);
        const other = new DiagnosticsService(new DiagnosticsRepository(otherRedis, options), publisher, options);
        publisher.delayMs = 50;
        await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
        await service.onAgentCompleted(agentEvent(workflowId, 'failure'));

        const racing = Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? service : other).onAgentCompleted(agentEvent(workflowId, 'failure')),
        );
        const outcomes = await Promise.all(racing);

        expect(publisher.published).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.alerts.length === 1)).toHaveLength(1);
      } finally {
        await otherRedis.quit();
      }
    });

    it('should remove the guard when publishing fails, so the retry of the event publishes', async () => {
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      const crossing = agentEvent(workflowId, 'failure');
      publisher.failNext = 1;

      await expect(service.onAgentCompleted(crossing)).rejects.toThrow('broker unavailable');
      expect(await redis.exists(diagnosticsKeys(prefix).alert('agent_failure_rate', workflowId))).toBe(0);
      expect(publisher.published).toEqual([]);

      const retry = await service.onAgentCompleted(crossing);

      expect(retry.applied).toBe(false);
      expect(publisher.published.map(({ alert, cause }) => [alert.metric, cause.event_id])).toEqual([
        ['agent_failure_rate', crossing.event_id],
      ]);
      expect((await repository.findWorkflow(workflowId))?.agents).toEqual({ events: 3, completed: 0, failed: 3 });
    });

    it('should let the redelivered event that held the guard publish, but no other event, after a crash mid-publish', async () => {
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      const crashed = agentEvent(workflowId, 'failure');
      await repository.applyAgentCompleted(crashed);
      // The crashed worker had claimed the guard and died before publishing.
      await repository.markDegradedAndClaimAlert(workflowId, 'agent_failure_rate', crashed.event_id);

      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));
      expect(publisher.published).toEqual([]);

      await service.onAgentCompleted(crashed);
      expect(publisher.published.map(({ cause }) => cause.event_id)).toEqual([crashed.event_id]);
    });

    it('should free a guard whose owner never came back once its lease expires', async () => {
      for (const status of ['failure', 'failure', 'success'] as const)
        await repository.applyAgentCompleted(agentEvent(workflowId, status));
      await repository.markDegradedAndClaimAlert(workflowId, 'agent_failure_rate', 'dead-lettered-event', 50);

      await service.onAgentCompleted(agentEvent(workflowId, 'success'));
      expect(publisher.published).toEqual([]);

      await new Promise((resolve) => setTimeout(resolve, 150));
      await service.onAgentCompleted(agentEvent(workflowId, 'failure'));

      expect(publisher.published.map(({ alert }) => alert.metric)).toEqual(['agent_failure_rate']);
    });
  });

  describe('listing workflows', () => {
    it('should list the degraded workflows first, then the others, each once by most recent activity, without expired ones', async () => {
      const labels = ['d-old', 'h-old', 'd-new', 'h-new', 'gone'];
      const [degradedOld, healthyOld, degradedNew, healthyNew, expired] = labels.map(
        (label) => `wf-${label}-${randomUUID()}`,
      );
      for (const id of [degradedOld, healthyOld, degradedNew, healthyNew, expired]) {
        await service.onWorkflowStarted(event('workflow.started', { workflow_id: id }));
        if (id === degradedOld || id === degradedNew)
          await service.onDecisionDegraded(event('decision.degraded', { workflow_id: id, metric: 'latency_p99' }));
        // Activity is scored in Redis milliseconds: apart, so the order is not left to ties.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // As if its hash had expired before a write trimmed its index entry.
      await redis.del(diagnosticsKeys(prefix).workflow(expired));

      const list = await repository.listWorkflows(50);

      expect(list.workflows.map((workflow) => [workflow.workflowId, workflow.health])).toEqual([
        [degradedNew, 'degraded'],
        [degradedOld, 'degraded'],
        [healthyNew, 'healthy'],
        [healthyOld, 'healthy'],
      ]);
      expect(list.workflows[0]).toEqual(await repository.findWorkflow(degradedNew));
      expect([list.total, list.degraded]).toEqual([5, 2]);
      expect((await repository.listWorkflows(3)).workflows.map((workflow) => workflow.workflowId)).toEqual([
        degradedNew,
        degradedOld,
        healthyNew,
      ]);
    });
  });

  describe('retention', () => {
    const RETENTION_SECONDS = 600;
    const ttlOf = (key: string) => redis.ttl(key);
    const expectRetained = (ttl: number) => {
      expect(ttl).toBeGreaterThan(RETENTION_SECONDS - 60);
      expect(ttl).toBeLessThanOrEqual(RETENTION_SECONDS);
    };

    it('should let a workflow, its reasons and its sent alert expire retentionSeconds after its last event', async () => {
      const keys = diagnosticsKeys(prefix);
      await service.onWorkflowStarted(event('workflow.started', { workflow_id: workflowId }));
      for (const status of ['failure', 'failure', 'success'] as const) await service.onAgentCompleted(agentEvent(workflowId, status));

      expectRetained(await ttlOf(keys.workflow(workflowId)));
      expectRetained(await ttlOf(keys.reasons(workflowId)));
      expect(await redis.get(keys.alert('agent_failure_rate', workflowId))).toBe('sent');
      expectRetained(await ttlOf(keys.alert('agent_failure_rate', workflowId)));
    });

    it('should count in the summary, and keep indexed, only workflows active within the retention', async () => {
      const keys = diagnosticsKeys(prefix);
      // In the shard of the workflow written next: a write trims the indexes of its own shard.
      const shard = redisKeyShardOf(workflowId);
      let forgotten = `wf-forgotten-${randomUUID()}`;
      while (redisKeyShardOf(forgotten) !== shard) forgotten = `wf-forgotten-${randomUUID()}`;
      const longAgo = Date.now() - (RETENTION_SECONDS + 60) * 1000;
      // As if these had last been active before the retention window: their hashes would be gone.
      await redis.zadd(keys.workflows(shard), longAgo, forgotten);
      await redis.zadd(keys.degradedWorkflows(shard), longAgo, forgotten);

      expect((await repository.summary()).workflowsByHealth).toEqual({ healthy: 0, degraded: 0 });

      await service.onWorkflowStarted(event('workflow.started', { workflow_id: workflowId }));
      await service.onDecisionDegraded(event('decision.degraded', { workflow_id: workflowId, metric: 'latency_p99' }));

      expect((await repository.summary()).workflowsByHealth).toEqual({ healthy: 0, degraded: 1 });
      expect(await redis.zscore(keys.workflows(shard), forgotten)).toBeNull();
      expect(await redis.zscore(keys.degradedWorkflows(shard), forgotten)).toBeNull();
      expect(await redis.zrange(keys.workflows(shard), 0, -1)).toEqual([workflowId]);
    });

    it('should keep a degraded workflow counted as degraded while it stays active', async () => {
      const keys = diagnosticsKeys(prefix);
      const shard = redisKeyShardOf(workflowId);
      await service.onWorkflowStarted(event('workflow.started', { workflow_id: workflowId }));
      await service.onDecisionDegraded(event('decision.degraded', { workflow_id: workflowId, metric: 'latency_p99' }));
      const degradedAt = Number(await redis.zscore(keys.degradedWorkflows(shard), workflowId));
      await new Promise((resolve) => setTimeout(resolve, 20));

      await service.onAgentCompleted(agentEvent(workflowId, 'success'));

      expect(Number(await redis.zscore(keys.degradedWorkflows(shard), workflowId))).toBeGreaterThan(degradedAt);
      expect(Number(await redis.zscore(keys.workflows(shard), workflowId))).toBe(
        Number(await redis.zscore(keys.degradedWorkflows(shard), workflowId)),
      );
    });
  });
});
