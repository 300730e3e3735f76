import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisModule } from '@nestjs-modules/ioredis';
import type { Redis } from 'ioredis';
import { EVENT_TYPES } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { ObservabilityModule } from '@opal/platform-observability';
import { createHttpApp } from '@opal/platform-runtime';
import {
  DEGRADED_ALERT_PUBLISHER,
  DiagnosticsModule,
  DiagnosticsService,
  type DegradedAlertPublisher,
} from '../src/diagnostics';
import { connectRedis, deleteUnder, redisConnection, uniquePrefix } from './support/diagnostics-redis';

const thresholds = { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 };

@Module({})
class DiagnosticsHttpTestModule {
  static forRoot(keyPrefix: string, publisher: DegradedAlertPublisher): DynamicModule {
    return {
      module: DiagnosticsHttpTestModule,
      imports: [
        // As in the app: createHttpApp hands logging to its JSON logger.
        ObservabilityModule.forRoot({ appName: 'diagnostics-worker-int', logLevel: 'silent' }),
        RedisModule.forRoot({ type: 'single', options: { ...redisConnection, maxRetriesPerRequest: 1 } }),
        DiagnosticsModule.forRoot({
          thresholds,
          keyPrefix,
          degradedAlertPublisher: { provide: DEGRADED_ALERT_PUBLISHER, useValue: publisher },
        }),
      ],
    };
  }
}

describe('GET /v1/diagnostics (Fastify, real Redis)', () => {
  const prefix = uniquePrefix('http');
  const workflowId = `wf-http-${randomUUID()}`;
  const publisher = {
    publish: jest.fn<Promise<void>, Parameters<DegradedAlertPublisher['publish']>>().mockResolvedValue(undefined),
  };
  let app: NestFastifyApplication;
  let redis: Redis;

  beforeAll(async () => {
    redis = connectRedis();
    app = await createHttpApp(DiagnosticsHttpTestModule.forRoot(prefix, publisher));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    const diagnostics = app.get(DiagnosticsService);
    await diagnostics.onWorkflowStarted({
      ...loadFixture('workflow.started'),
      event_id: randomUUID(),
      workflow_id: workflowId,
      estimated_duration_ms: 60_000,
    });
    const agentEvents = (
      [
        ['success', 100],
        ['failure', 300],
        ['failure', 200],
      ] as const
    ).map(([status, ms]) => ({
      ...loadFixture('agent.completed'),
      event_id: randomUUID(),
      workflow_id: workflowId,
      agent_id: 'http-agent',
      execution_status: status,
      processing_time_ms: ms,
    }));
    for (const agentEvent of agentEvents) await diagnostics.onAgentCompleted(agentEvent);
    await diagnostics.onKnowledgeUpserted({ ...loadFixture('knowledge.upserted'), event_id: randomUUID() });
    // A redelivery: the apply script refuses it and counts it as a duplicate.
    await diagnostics.onAgentCompleted(agentEvents[0] as (typeof agentEvents)[number]);
  });

  afterAll(async () => {
    await app?.close();
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('should answer the summary: totals, counts by type, workflows by health and agent statistics', async () => {
    const response = await get('/v1/diagnostics/summary');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json<Record<string, unknown>>();
    expect(body).toEqual({
      totalEventsProcessed: 5,
      duplicatesSkipped: 1,
      eventsByType: Object.fromEntries(
        EVENT_TYPES.map((type) => [
          type,
          { 'workflow.started': 1, 'agent.completed': 3, 'knowledge.upserted': 1 }[type as string] ?? 0,
        ]),
      ),
      duplicatesByType: Object.fromEntries(EVENT_TYPES.map((type) => [type, type === 'agent.completed' ? 1 : 0])),
      workflowsByHealth: { healthy: 0, degraded: 1 },
      agents: [
        { agentId: 'http-agent', count: 3, successRate: 1 / 3, p50ProcessingTimeMs: 200, p95ProcessingTimeMs: 300 },
      ],
    });
  });

  it('should answer a known workflow with its state', async () => {
    const response = await get(`/v1/diagnostics/workflows/${workflowId}`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      workflowId,
      clientName: 'acme-retail',
      workflowName: 'strategy_workflow',
      status: 'running',
      startedAt: loadFixture('workflow.started').timestamp,
      completedAt: null,
      estimatedDurationMs: 60_000,
      totalDurationMs: null,
      agents: { events: 3, completed: 1, failed: 2 },
      reportedAgents: null,
      lastDecision: null,
      health: 'degraded',
      degradedReasons: ['agent_failure_rate'],
    });
    expect(publisher.publish).toHaveBeenCalledTimes(1);
  });

  it('should list the workflows, degraded first, with the counts the summary reports', async () => {
    const response = await get('/v1/diagnostics/workflows');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      workflows: [(await get(`/v1/diagnostics/workflows/${workflowId}`)).json()],
      total: 1,
      degraded: 1,
    });
  });

  it.each(['0', '201', 'ten', '2.5'])('should answer 400 problem+json for the limit %j', async (limit) => {
    const response = await get(`/v1/diagnostics/workflows?limit=${limit}`);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: '/problems/invalid-limit',
      status: 400,
      errors: [{ path: 'limit', message: 'must be an integer from 1 to 200' }],
    });
  });

  it('should answer 404 problem+json for an unknown workflow', async () => {
    const response = await get('/v1/diagnostics/workflows/wf-never-seen');

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: '/problems/workflow-not-found',
      title: 'Workflow not found',
      status: 404,
      instance: '/v1/diagnostics/workflows/wf-never-seen',
    });
  });

  it.each([
    ['a space', 'bad%20id'],
    ['a leading dot', '.hidden'],
    ['an encoded slash', 'wf%2Fone'],
  ])('should answer 400 problem+json for an id with %s', async (_, id) => {
    const response = await get(`/v1/diagnostics/workflows/${id}`);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: '/problems/invalid-workflow-id',
      status: 400,
      errors: [{ path: 'workflowId', message: expect.stringContaining('must match') }],
    });
  });

  it('should answer an over-long workflow id with 414 problem+json, not Fastify\'s own body', async () => {
    const response = await get(`/v1/diagnostics/workflows/${'w'.repeat(1000)}`);

    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/uri-too-long', status: 414 });
  });

  it('should answer a known path asked with the wrong method with 405 and Allow', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/diagnostics/summary' });

    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/method-not-allowed', status: 405 });
  });
});
