import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { CONSUMER_GROUPS, signWebhook, type EventType } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { deadLetterOf, writeDeadLetter } from '@opal/platform-dlq/testing';
import { eventually, freePort, startBuiltApp, type RunningApp } from '@opal/platform-runtime/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';

export const SECRET = 'whsec_' + Buffer.from('ops-console-test-secret-0123456789').toString('base64');
export const ADMIN_TOKEN = 'console-admin-token-for-tests-0123456789';
const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
// The workers may first drain what earlier suites left on the topics.
export const WAIT_MS = 90_000;

export const kafka = new Kafka({ clientId: 'ops-console-test', brokers, logLevel: logLevel.NOTHING });
export const registry = new SchemaRegistryClient({ url: registryUrl, requestTimeoutMs: 10_000 });

export interface SystemUnderTest {
  gateway: RunningApp;
  diagnostics: RunningApp;
  recommendations: RunningApp;
  console: RunningApp;
  admin: Admin;
  producer: Producer;
  stop(): Promise<void>;
}

async function consumerUp(app: RunningApp): Promise<boolean> {
  const body = (await (await fetch(`${app.baseUrl}/health/ready`)).json()) as { details?: Record<string, { status?: string }> };
  return body.details?.['consumer']?.status === 'up';
}

/** The three apps and the console on free ports, the console pointed at them, as `npm run up` wires them. */
export async function startSystem(consoleEnv: Record<string, string> = {}): Promise<SystemUnderTest> {
  const [gateway, diagnostics, recommendations] = await Promise.all([
    startBuiltApp('ingest-gateway', { PORT: String(await freePort()), WEBHOOK_SECRETS: SECRET, RATE_LIMIT_PER_SECOND: '100000' }),
    startBuiltApp('diagnostics-worker', { PORT: String(await freePort()) }),
    startBuiltApp('recommendations-worker', { PORT: String(await freePort()) }),
  ]);
  const apps = `ingest-gateway=${gateway.baseUrl},diagnostics-worker=${diagnostics.baseUrl},recommendations-worker=${recommendations.baseUrl}`;
  const consoleApp = await startBuiltApp('ops-console', {
    PORT: String(await freePort()),
    CONSOLE_APPS: apps,
    CONSOLE_ADMIN_TOKEN: ADMIN_TOKEN,
    CONSOLE_SAMPLE_INTERVAL_MS: '1000',
    ...consoleEnv,
  });
  for (const worker of [diagnostics, recommendations]) expect(await eventually(() => consumerUp(worker), Boolean, WAIT_MS, 250)).toBe(true);
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  return {
    gateway,
    diagnostics,
    recommendations,
    console: consoleApp,
    admin,
    producer,
    async stop() {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
      await Promise.all([consoleApp.stop(), gateway.stop(), diagnostics.stop(), recommendations.stop()]);
    },
  };
}

/** Posts one signed webhook; resolves with the event_id the gateway gave it (its 202 body). */
export async function postWebhook(gateway: RunningApp, type: EventType, data: Record<string, unknown>): Promise<string> {
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data: { ...fixtureData(type), ...data } });
  const headers = { ...signWebhook({ secrets: SECRET, deliveryId: `msg_console_${randomUUID()}`, body }) };
  const response = await fetch(`${gateway.baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body });
  const answer = (await response.json()) as { event_id?: string };
  expect(response.status).toBe(202);
  return answer.event_id as string;
}

/**
 * A dead letter exactly as a worker writes one (`deadLetterRecord`): a valid `decision.generated`
 * event that failed in `group` after 5 attempts. Replayed to that group, it is processed normally.
 */
export async function writeDeadDecision(producer: Producer, group: string, data: Record<string, unknown>) {
  const type: EventType = 'decision.generated';
  const { eventId, record } = await deadLetterOf(registry, type, { ...fixtureData(type), ...data }, {
    group,
    attempts: 5,
    errorMessage: 'redis: connection refused',
    environment: 'development',
    sourceSystem: 'ops-console-test',
  });
  const written = await writeDeadLetter(producer, record);
  return { eventId, dlqTopic: written.topic, partition: written.partition, offset: written.offset };
}

export const GROUPS = CONSUMER_GROUPS;
