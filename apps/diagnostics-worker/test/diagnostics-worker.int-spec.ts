import { randomUUID } from 'node:crypto';
import {
  buildEventRecord,
  CONSUMER_GROUPS,
  DIAGNOSTICS_KEY_PREFIX,
  redisKeyShardOf,
  type EventType,
} from '@opal/contracts';
import { fixtureData, loadFixture } from '@opal/contracts/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { EventProducer } from '@opal/platform-kafka/standalone';
import {
  describeConsumerAppLifecycle,
  eventually,
  freePort,
  startBuiltApp,
  type RunningApp,
} from '@opal/platform-runtime/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry/client';
import type { DiagnosticsSummary, WorkflowDiagnostics, WorkflowDiagnosticsList } from '../src/diagnostics';
import { diagnosticsKeys } from '@opal/contracts';
import { connectRedis } from './support/diagnostics-redis';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

describeConsumerAppLifecycle('diagnostics-worker', CONSUMER_GROUPS.diagnostics, brokers);

// The worker may first drain what earlier suites left on the topics.
const WAIT_MS = 60_000;
const POLL_MS = 250;

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The real worker in its contract group on the real stack: records produced as the gateway does
 * (Avro through the registry), state in the shared Redis under the contract prefix.
 */
describe('diagnostics-worker (built app, events through Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  const degradedId = `wf-list-degraded-${run}`;
  const healthyId = `wf-list-healthy-${run}`;
  const registry = new SchemaRegistryClient({
    url: process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl,
  });
  const producer = new EventProducer({ kafka: { clientId: 'diagnostics-worker-int', brokers } });
  let worker: RunningApp;

  const send = async (type: EventType, data: Record<string, unknown>) => {
    const { environment, source_system: sourceSystem } = loadFixture(type);
    const record = buildEventRecord(
      type,
      { ...fixtureData(type), ...data },
      { eventId: randomUUID(), correlationId: `corr-${run}`, occurredAt: Date.now(), environment, sourceSystem },
    );
    const value = await registry.encode(record.definition.subject, record.payload);
    await producer.send({ topic: record.definition.topic, key: record.key, value, headers: record.headers });
  };
  const agentResults = async (workflowId: string, statuses: ReadonlyArray<'success' | 'failure'>) => {
    for (const [offset, status] of statuses.entries())
      await send('agent.completed', { workflow_id: workflowId, offset, execution_status: status });
  };
  const workflow = (id: string) =>
    // Partial: a 404 problem body until the worker has seen the workflow.
    getJson<Partial<WorkflowDiagnostics>>(`${worker.baseUrl}/v1/diagnostics/workflows/${id}`).then(({ body }) => body);
  const list = (limit: number) =>
    getJson<WorkflowDiagnosticsList>(`${worker.baseUrl}/v1/diagnostics/workflows?limit=${limit}`);
  const alertsApplied = async () =>
    (await getJson<DiagnosticsSummary>(`${worker.baseUrl}/v1/diagnostics/summary`)).body.eventsByType[
      'decision.degraded'
    ];

  beforeAll(async () => {
    await producer.connect();
    worker = await startBuiltApp('diagnostics-worker', { PORT: String(await freePort()) });
    const consumerUp = async () => {
      const { body } = await getJson<{ details?: Record<string, { status?: string }> }>(
        `${worker.baseUrl}/health/ready`,
      );
      return body.details?.['consumer']?.status === 'up';
    };
    expect(await eventually(consumerUp, Boolean, WAIT_MS, POLL_MS)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([worker?.stop(), producer.disconnect()]);
    // Leave no degraded workflow of this run in the shared store the next runs list.
    const redis = connectRedis();
    const keys = diagnosticsKeys(DIAGNOSTICS_KEY_PREFIX);
    for (const id of [degradedId, healthyId]) {
      await redis.zrem(keys.workflows(redisKeyShardOf(id)), id);
      await redis.zrem(keys.degradedWorkflows(redisKeyShardOf(id)), id);
      await redis.del(keys.workflow(id), keys.reasons(id), keys.alert('agent_failure_rate', id));
    }
    await redis.quit();
  });

  it('should list a degraded workflow before a healthy one active since, and no more than limit', async () => {
    const alertsBefore = await alertsApplied();
    await send('workflow.started', { workflow_id: degradedId });
    await agentResults(degradedId, ['failure', 'failure', 'failure']);
    const degraded = await eventually(
      () => workflow(degradedId),
      (state) => state.health === 'degraded',
      WAIT_MS,
      POLL_MS,
    );
    expect(degraded).toMatchObject({ workflowId: degradedId, health: 'degraded', agents: { failed: 3 } });
    // The worker consumes its own alert too, which touches the workflow: let that happen first.
    await eventually(alertsApplied, (applied) => applied > alertsBefore, WAIT_MS, POLL_MS);

    // The healthy workflow is the most recently active: only its health puts it after the degraded one.
    await send('workflow.started', { workflow_id: healthyId });
    await agentResults(healthyId, ['success']);
    expect(
      await eventually(
        () => workflow(healthyId),
        (state) => state.agents?.events === 1,
        WAIT_MS,
        POLL_MS,
      ),
    ).toMatchObject({ workflowId: healthyId, health: 'healthy' });

    const { status, body } = await list(200);
    expect(status).toBe(200);
    const ids = body.workflows.map((listed) => listed.workflowId);
    expect(ids).toContain(degradedId);
    expect(ids).toContain(healthyId);
    expect(ids.indexOf(degradedId)).toBeLessThan(ids.indexOf(healthyId));
    // Whatever else the shared store holds: every degraded workflow comes before every healthy one.
    const health = body.workflows.map((listed) => listed.health);
    expect(health).toEqual([...health.filter((h) => h === 'degraded'), ...health.filter((h) => h === 'healthy')]);
    expect(body.total).toBeGreaterThanOrEqual(2);
    expect(body.degraded).toBeGreaterThanOrEqual(1);

    const bounded = await list(1);
    expect(bounded.status).toBe(200);
    expect(bounded.body.workflows).toHaveLength(1);
    expect(bounded.body.workflows[0]?.health).toBe('degraded');
  });
});
