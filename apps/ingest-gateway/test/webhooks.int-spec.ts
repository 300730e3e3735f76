import { randomUUID } from 'node:crypto';
import { TOPIC_CATALOGUE, eventIdForDelivery, type EventType } from '@opal/contracts';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { TopicTap } from '@opal/platform-kafka/testing';
import { bodyFor, postWebhook, type WebhookResponse } from './support/webhook-client';
import { fixtureData } from '@opal/contracts/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registry = new SchemaRegistryClient({ url: process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl });
const secret = (seed: string) => 'whsec_' + Buffer.from(`gateway-int-${seed}-0123456789abcdef`).toString('base64');
const SECRET = secret('current');
const ROTATED = secret('rotated');

const expectProblem = (response: WebhookResponse, status: number, type: string) => {
  expect({ status: response.status, type: response.body['type'] }).toEqual({ status, type: `/problems/${type}` });
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ title: expect.any(String), status, instance: '/v1/webhooks/opal' });
};

describe('POST /v1/webhooks/opal (real Kafka, registry, Redis)', () => {
  let app: RunningApp;
  const tap = new TopicTap(brokers);

  beforeAll(async () => {
    app = await startNxApp('ingest-gateway', {
      PORT: String(await freePort()),
      WEBHOOK_SECRETS: `${SECRET},${ROTATED}`,
      MAX_BODY_BYTES: '65536',
      RATE_LIMIT_PER_SECOND: '100000',
    });
    await tap.open();
  });

  afterAll(async () => {
    await tap.close();
    await app?.stop();
  });

  describe('delivery ids', () => {
    it('should accept a webhook-id of exactly 255 characters', async () => {
      // Unique per run: a fixed id would be a duplicate (200) against a Redis that kept an earlier run's record.
      const deliveryId = `msg_${randomUUID()}_${'k'.repeat(255)}`.slice(0, 255);
      expect(deliveryId).toHaveLength(255);
      const response = await postWebhook(app.baseUrl, { body: bodyFor('workflow.started', fixtureData('workflow.started')), secrets: SECRET, deliveryId });

      expect(response.status).toBe(202);
      await tap.read();
    });
  });

  describe('accepted events', () => {
    it.each(TOPIC_CATALOGUE.map((entry) => [entry.eventType, entry] as const))(
      'should put %s in Kafka once: key, headers and a decodable value, then answer 202 with its position',
      async (eventType, entry) => {
        const deliveryId = `msg_accept_${eventType}_${Date.now()}`;
        const data = fixtureData(eventType as EventType);
        const response = await postWebhook(app.baseUrl, {
          body: bodyFor(eventType, data),
          secrets: SECRET,
          deliveryId,
          headers: { 'x-correlation-id': `corr-${deliveryId}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
        });

        expect(response.status).toBe(202);
        expect(response.body).toEqual({
          event_id: eventIdForDelivery(deliveryId),
          topic: entry.topic,
          partition: expect.any(Number),
          offset: expect.stringMatching(/^\d+$/),
          duplicate: false,
        });
        const records = (await tap.read()).filter((record) => record.headers['event_id'] === response.body['event_id']);
        expect(records).toHaveLength(1);
        const [record] = records;
        expect({ partition: record?.partition, offset: record?.offset }).toEqual({ partition: response.body['partition'], offset: response.body['offset'] });
        expect(record?.key).toBe(String(data[entry.keyField]));
        expect(record?.headers).toEqual({
          event_type: eventType,
          event_id: eventIdForDelivery(deliveryId),
          correlation_id: `corr-${deliveryId}`,
          source_system: 'opal',
          schema_version: '1.0.0',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        });
        const decoded = await registry.decode(record?.value ?? Buffer.alloc(0));
        expect(decoded.value).toMatchObject({ ...data, event_id: eventIdForDelivery(deliveryId), environment: 'development', timestamp: Date.parse('2026-11-26T12:00:00Z') });
      },
    );
  });

  describe('redeliveries', () => {
    it('should answer a redelivery with 200 and the original result, a changed body with 422, producing once', async () => {
      const deliveryId = `msg_dup_${Date.now()}`;
      const body = bodyFor('workflow.started', fixtureData('workflow.started'));
      const first = await postWebhook(app.baseUrl, { body, secrets: SECRET, deliveryId });
      const again = await postWebhook(app.baseUrl, { body, secrets: SECRET, deliveryId });
      const changed = await postWebhook(app.baseUrl, { body: bodyFor('workflow.started', { ...fixtureData('workflow.started'), client_name: 'other' }), secrets: SECRET, deliveryId });

      expect(first.status).toBe(202);
      expect(again).toMatchObject({ status: 200, body: { ...first.body, duplicate: true } });
      expectProblem(changed, 422, 'delivery-id-reused');
      expect((await tap.read()).filter((record) => record.headers['event_id'] === first.body['event_id'])).toHaveLength(1);
    });

    it('should turn 50 concurrent deliveries of one webhook-id into exactly one record and consistent answers', async () => {
      const deliveryId = `msg_race_${Date.now()}`;
      const body = bodyFor('agent.completed', fixtureData('agent.completed'));
      const responses = await Promise.all(Array.from({ length: 50 }, () => postWebhook(app.baseUrl, { body, secrets: SECRET, deliveryId })));

      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 202)).toHaveLength(1);
      expect(statuses.every((status) => status === 202 || status === 200 || status === 409)).toBe(true);
      const winner = responses.find((response) => response.status === 202)?.body;
      for (const response of responses.filter((r) => r.status === 200)) expect(response.body).toEqual({ ...winner, duplicate: true });
      for (const response of responses.filter((r) => r.status === 409)) expect(response.headers.get('retry-after')).toBeTruthy();
      expect((await tap.read()).filter((record) => record.headers['event_id'] === eventIdForDelivery(deliveryId))).toHaveLength(1);
    });
  });

  describe('rotation', () => {
    it('should accept the old secret, the new one and both signatures at once', async () => {
      const body = bodyFor('knowledge.upserted', fixtureData('knowledge.upserted'));
      const results = await Promise.all([[SECRET], [ROTATED], [SECRET, ROTATED]].map((secrets) => postWebhook(app.baseUrl, { body, secrets })));

      expect(results.map((result) => result.status)).toEqual([202, 202, 202]);
      await tap.read();
    });
  });

  describe('refused requests produce nothing', () => {
    const valid = () => bodyFor('workflow.completed', fixtureData('workflow.completed'));
    const nested = '{"type":"workflow.completed","timestamp":"2026-11-26T12:00:00Z","data":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const corpus: Array<[string, () => Parameters<typeof postWebhook>[1], number, string]> = [
      ['truncated JSON', () => ({ body: valid().slice(0, 40), secrets: SECRET }), 400, 'malformed-json'],
      ['deeply nested JSON', () => ({ body: nested, secrets: SECRET }), 400, 'validation-failed'],
      ['a wrong field type', () => ({ body: bodyFor('workflow.completed', { ...fixtureData('workflow.completed'), agents_failed: 'two' }), secrets: SECRET }), 400, 'validation-failed'],
      ['a missing required field', () => ({ body: bodyFor('workflow.completed', { ...fixtureData('workflow.completed'), workflow_id: undefined }), secrets: SECRET }), 400, 'validation-failed'],
      ['an unknown event type', () => ({ body: bodyFor('workflow.teleported', {}), secrets: SECRET }), 400, 'unknown-event-type'],
      ['a body over MAX_BODY_BYTES', () => ({ body: bodyFor('workflow.completed', { ...fixtureData('workflow.completed'), workflow_id: 'x'.repeat(70_000) }), secrets: SECRET }), 413, 'payload-too-large'],
      ['no signature', () => ({ body: valid(), secrets: SECRET, headers: { 'webhook-signature': undefined } }), 401, 'invalid-signature'],
      ['a stale timestamp', () => ({ body: valid(), secrets: SECRET, timestamp: new Date(Date.now() - 10 * 60_000) }), 401, 'invalid-signature'],
      ['a future timestamp', () => ({ body: valid(), secrets: SECRET, timestamp: new Date(Date.now() + 10 * 60_000) }), 401, 'invalid-signature'],
      ['a forged signature', () => ({ body: valid(), secrets: secret('attacker') }), 401, 'invalid-signature'],
      ['a re-serialized body', () => ({ body: valid(), secrets: SECRET, sendBody: JSON.stringify(JSON.parse(valid()), null, 2) }), 401, 'invalid-signature'],
      ['a non-JSON content type', () => ({ body: valid(), secrets: SECRET, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type'],
      ['a 10 KB webhook-id', () => ({ body: valid(), secrets: SECRET, deliveryId: `msg_${'x'.repeat(10_240)}` }), 400, 'invalid-webhook-id'],
      ['a webhook-id of 256 characters', () => ({ body: valid(), secrets: SECRET, deliveryId: 'm'.repeat(256) }), 400, 'invalid-webhook-id'],
      ['a webhook-id with a space', () => ({ body: valid(), secrets: SECRET, deliveryId: 'msg 1' }), 400, 'invalid-webhook-id'],
    ];

    it.each(corpus)('should refuse %s', async (_name, request, status, type) => {
      expectProblem(await postWebhook(app.baseUrl, request()), status, type);
    });

    it('should answer GET on the webhook path with 405 and Allow: POST', async () => {
      const response = await fetch(`${app.baseUrl}/v1/webhooks/opal`);

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ type: '/problems/method-not-allowed', status: 405, instance: '/v1/webhooks/opal' });
    });

    it('should have produced no record for any of them', async () => {
      expect(await tap.read()).toEqual([]);
    });
  });
});
