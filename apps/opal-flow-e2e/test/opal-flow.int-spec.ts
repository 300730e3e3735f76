import { randomUUID } from 'node:crypto';
import { signWebhook, type EventType } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { eventually, freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';

const SECRET = 'whsec_' + Buffer.from('opal-flow-e2e-secret-0123456789').toString('base64');
const run = randomUUID().slice(0, 8);
const WORKFLOW = `wf-flow-${run}`;
const USER = `user-flow-${run}`;
const DECISION = `dec-flow-${run}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The workers may first drain what earlier suites left on the topics.
const WAIT_MS = 60_000;
const POLL_MS = 250;

function dataOf(type: EventType, overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...fixtureData(type), ...overrides };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown>; contentType: string }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, contentType: response.headers.get('content-type') ?? '' };
}

/**
 * The whole system on the real stack: signed webhooks into the gateway, Avro records in Kafka,
 * both workers consuming them in their real groups, and the results on the workers' query APIs.
 */
describe('OPAL flow: gateway → Kafka → diagnostics and recommendations workers', () => {
  let gateway: RunningApp;
  let diagnostics: RunningApp;
  let recommendations: RunningApp;

  const post = async (type: EventType, data: Record<string, unknown>) => {
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const headers = { ...signWebhook({ secrets: SECRET, deliveryId: `msg_flow_${randomUUID()}`, body }) };
    const response = await fetch(`${gateway.baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body });
    expect(response.status).toBe(202);
  };
  const consumerUp = async (app: RunningApp) => {
    const { body } = await getJson(`${app.baseUrl}/health/ready`);
    return (body['details'] as Record<string, { status?: string }> | undefined)?.['consumer']?.status === 'up';
  };
  const summary = async () => (await getJson(`${diagnostics.baseUrl}/v1/diagnostics/summary`)).body as { eventsByType: Record<string, number> };

  beforeAll(async () => {
    [gateway, diagnostics, recommendations] = await Promise.all([
      startNxApp('ingest-gateway', { PORT: String(await freePort()), WEBHOOK_SECRETS: SECRET, RATE_LIMIT_PER_SECOND: '100000' }),
      startNxApp('diagnostics-worker', { PORT: String(await freePort()) }),
      startNxApp('recommendations-worker', { PORT: String(await freePort()) }),
    ]);
    expect(await eventually(() => consumerUp(diagnostics), Boolean, WAIT_MS, POLL_MS)).toBe(true);
    expect(await eventually(() => consumerUp(recommendations), Boolean, WAIT_MS, POLL_MS)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), diagnostics?.stop(), recommendations?.stop()]);
  });

  it('should turn all seven event types into workflow diagnostics, a degraded alert and a personalised decision', async () => {
    const before = await summary();
    const now = Date.now();
    await post('user.preferences.updated', dataOf('user.preferences.updated', { user_id: USER, updated_at: now }));
    // An older update arriving later must not win.
    await post('user.preferences.updated', dataOf('user.preferences.updated', {
      user_id: USER,
      updated_at: now - 60_000,
      preferences: { min_confidence: 0.1, max_recommendations: 10, excluded_categories: [], priority_categories: [] },
    }));
    await post('workflow.started', dataOf('workflow.started', { workflow_id: WORKFLOW, estimated_duration_ms: 60_000 }));
    for (const [offset, status] of (['success', 'failure', 'failure'] as const).entries())
      await post('agent.completed', dataOf('agent.completed', { workflow_id: WORKFLOW, agent_id: `agent-flow-${offset}`, offset, execution_status: status }));
    await post('knowledge.upserted', dataOf('knowledge.upserted', { knowledge_id: `kb-flow-${run}`, workflow_id: WORKFLOW }));
    await sleep(3_000);
    await post('decision.generated', dataOf('decision.generated', { decision_id: DECISION, workflow_id: WORKFLOW, user_id: USER }));
    await post('workflow.completed', dataOf('workflow.completed', { workflow_id: WORKFLOW, status: 'success', agents_completed: 1, agents_failed: 2 }));

    const workflow = await eventually(
      () => getJson(`${diagnostics.baseUrl}/v1/diagnostics/workflows/${WORKFLOW}`),
      (response) => response.status === 200 && response.body['status'] === 'success',
      WAIT_MS,
      POLL_MS,
    );
    expect(workflow.body).toMatchObject({ workflowId: WORKFLOW, status: 'success', health: 'degraded', agents: { failed: 2 } });

    const after = await eventually(summary, (current) => (current.eventsByType['decision.degraded'] ?? 0) > (before.eventsByType['decision.degraded'] ?? 0), WAIT_MS, POLL_MS);
    const delta = (type: string) => (after.eventsByType[type] ?? 0) - (before.eventsByType[type] ?? 0);
    expect({
      started: delta('workflow.started') >= 1,
      agents: delta('agent.completed') >= 3,
      completed: delta('workflow.completed') >= 1,
      decisions: delta('decision.generated') >= 1,
      knowledge: delta('knowledge.upserted') >= 1,
      preferences: delta('user.preferences.updated') >= 2,
      degraded: delta('decision.degraded') >= 1,
    }).toEqual({ started: true, agents: true, completed: true, decisions: true, knowledge: true, preferences: true, degraded: true });

    const personalised = await eventually(
      () => getJson(`${recommendations.baseUrl}/v1/recommendations/${DECISION}`),
      (response) => response.status === 200,
      WAIT_MS,
      POLL_MS,
    );
    expect(personalised.body).toMatchObject({ decision_id: DECISION, workflow_id: WORKFLOW, user_id: USER });
    // The newer preferences: min confidence 0.7, no email, personalization first.
    expect((personalised.body['recommendations'] as Array<{ id: string }>).map((rec) => rec.id)).toEqual(['rec-002', 'rec-001']);
    expect(personalised.body['applied_preferences']).toMatchObject({ min_confidence: 0.7, excluded_categories: ['email'] });
  });

  it('should answer 404 problem+json for a decision it never saw', async () => {
    const response = await getJson(`${recommendations.baseUrl}/v1/recommendations/dec-never-${run}`);

    expect(response.status).toBe(404);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
  });
});
