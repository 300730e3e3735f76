import { randomUUID } from 'node:crypto';
import { eventIdForDelivery } from '@opal/contracts';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { freePort, prometheusSample as sample, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { TopicTap } from '@opal/platform-kafka/testing';
import { bodyFor, postWebhook } from './support/webhook-client';
import { fixtureData } from '@opal/contracts/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registry = new SchemaRegistryClient({ url: process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SECRET = 'whsec_' + Buffer.from('gateway-observability-0123456789ab').toString('base64');

/** The app's JSON log entries for one correlation id, once the request's own "request completed" line is out. */
async function logLinesOf(app: RunningApp, correlationId: string, timeoutMs = 10_000): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = app
      .output()
      .split('\n')
      // Nx prefixes each line with the project name.
      .map((line) => line.slice(line.indexOf('{"level"')))
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['correlation_id'] === correlationId);
    if (entries.some((entry) => entry['msg'] === 'request completed') || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ingest-gateway health, metrics and logs (real Kafka, registry, Redis)', () => {
  let app: RunningApp;
  const metrics = async (path = '/metrics') => (await fetch(`${app.baseUrl}${path}`)).text();

  beforeAll(async () => {
    // Started once ready, as an orchestrator would route to it: the first readiness checks open
    // the Kafka admin and registry connections and, on a loaded machine, may outrun their deadline.
    app = await startNxApp(
      'ingest-gateway',
      { PORT: String(await freePort()), WEBHOOK_SECRETS: SECRET, MAX_BODY_BYTES: '4096', RATE_LIMIT_PER_SECOND: '100000' },
      { readyPath: '/health/ready' },
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  describe('readiness', () => {
    it('should answer GET /health/ready with Kafka, Redis and the registry up', async () => {
      const response = await fetch(`${app.baseUrl}/health/ready`);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        info: { kafka: { status: 'up' }, redis: { status: 'up' }, schema_registry: { status: 'up' } },
      });
    });

    it("should answer the seed's GET /api/health like /health/ready and GET /api/kafka/health with Kafka alone", async () => {
      const seedHealth = await fetch(`${app.baseUrl}/api/health`);
      const kafkaHealth = await fetch(`${app.baseUrl}/api/kafka/health`);
      const kafkaBody = (await kafkaHealth.json()) as { info: Record<string, unknown> };

      expect(seedHealth.status).toBe(200);
      expect(Object.keys(((await seedHealth.json()) as { info: object }).info).sort()).toEqual(['kafka', 'redis', 'schema_registry']);
      expect(kafkaHealth.status).toBe(200);
      expect(Object.keys(kafkaBody.info)).toEqual(['kafka']);
    });
  });

  describe('metrics', () => {
    it('should count webhook answers by status, produced events and idempotency checks', async () => {
      const before = await metrics();
      const deliveryId = `msg_metrics_${randomUUID()}`;
      const body = bodyFor('agent.completed', fixtureData('agent.completed'));

      const accepted = await postWebhook(app.baseUrl, { body, secrets: SECRET, deliveryId });
      const duplicate = await postWebhook(app.baseUrl, { body, secrets: SECRET, deliveryId });
      const forged = await postWebhook(app.baseUrl, { body, secrets: 'whsec_' + Buffer.from('not-the-secret-0123456789').toString('base64') });
      const tooLarge = await postWebhook(app.baseUrl, { body: bodyFor('agent.completed', { pad: 'x'.repeat(8192) }), secrets: SECRET });
      const after = await metrics();

      expect([accepted.status, duplicate.status, forged.status, tooLarge.status]).toEqual([202, 200, 401, 413]);
      const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
      expect({
        accepted: delta('opal_webhook_requests_total', { status: '202' }),
        duplicate: delta('opal_webhook_requests_total', { status: '200' }),
        unauthorized: delta('opal_webhook_requests_total', { status: '401' }),
        tooLarge: delta('opal_webhook_requests_total', { status: '413' }),
        produced: delta('opal_events_produced_total', { topic: 'opal.agent.completed', result: 'success' }),
        claimed: delta('opal_idempotency_checks_total', { scope: 'webhook', result: 'claimed' }),
        duplicates: delta('opal_idempotency_checks_total', { scope: 'webhook', result: 'duplicate' }),
      }).toEqual({ accepted: 1, duplicate: 1, unauthorized: 1, tooLarge: 1, produced: 1, claimed: 1, duplicates: 1 });
      expect(sample(after, 'opal_produce_duration_seconds_count', { topic: 'opal.agent.completed' })).toBeGreaterThanOrEqual(1);
    });

    it("should serve the same registry on the seed's GET /api/metrics, with Node process metrics", async () => {
      const response = await fetch(`${app.baseUrl}/api/metrics`);
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text).toContain('# TYPE opal_webhook_requests_total counter');
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    });
  });

  describe('logs', () => {
    it('should write JSON lines carrying the request correlation id and never the secret or signature', async () => {
      const correlationId = `corr-logs-${randomUUID()}`;
      const response = await postWebhook(app.baseUrl, {
        body: bodyFor('workflow.started', fixtureData('workflow.started')),
        secrets: SECRET,
        headers: { 'x-correlation-id': correlationId },
      });
      expect(response.status).toBe(202);

      const mine = await logLinesOf(app, correlationId);

      expect(mine.map((entry) => entry['msg'])).toEqual(expect.arrayContaining(['event accepted', 'request completed']));
      expect(mine.every((entry) => entry['service'] === 'ingest-gateway' && typeof entry['level'] === 'string')).toBe(true);
      expect(app.output()).not.toContain(SECRET.slice('whsec_'.length));
      expect(app.output()).not.toMatch(/v1,[A-Za-z0-9+/]{40,}=*/);
    });

    it('should give a request without x-correlation-id one generated id: every log line, the answer, the record and the envelope', async () => {
      const tap = new TopicTap(brokers, ['opal.workflow.started']);
      await tap.open();
      const deliveryId = `msg_corr_${randomUUID()}`;
      const eventId = eventIdForDelivery(deliveryId);
      try {
        const response = await postWebhook(app.baseUrl, { body: bodyFor('workflow.started', fixtureData('workflow.started')), secrets: SECRET, deliveryId });
        expect(response.status).toBe(202);
        const correlationId = response.headers.get('x-correlation-id') ?? '';
        expect(correlationId).toMatch(UUID);

        const mine = await logLinesOf(app, correlationId);
        expect(mine.map((entry) => entry['msg'])).toEqual(expect.arrayContaining(['event accepted', 'request completed']));
        // Every line that names this request (its delivery id in the request log, its event id after) carries the one id, once.
        const aboutThisRequest = app
          .output()
          .split('\n')
          .filter((line) => line.includes('{"level"') && (line.includes(deliveryId) || line.includes(eventId)));
        expect(aboutThisRequest.length).toBeGreaterThanOrEqual(2);
        for (const line of aboutThisRequest) {
          expect(line.match(/"correlation_id":"([^"]*)"/g)).toEqual([`"correlation_id":"${correlationId}"`]);
        }

        const [record, ...others] = (await tap.read()).filter((entry) => entry.headers['event_id'] === eventId);
        expect(others).toEqual([]);
        expect(record?.headers['correlation_id']).toBe(correlationId);
        const decoded = await registry.decode(record?.value ?? Buffer.alloc(0));
        expect(decoded.value).toMatchObject({ event_id: eventId, correlation_id: correlationId });
      } finally {
        await tap.close();
      }
    });
  });
});
