import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import {
  DEFAULT_SOURCE_SYSTEM,
  EVENT_TYPES,
  TOPIC_CATALOGUE,
  eventIdForDelivery,
  signWebhook,
  type EventType,
} from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { TopicTap, type TappedRecord } from '@opal/platform-kafka/testing';
import { eventually, freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { ConsumerProject, type ConsumerOutput } from './support/consumer-project';

const TARBALL = path.join(workspaceRoot, 'dist', 'packages', 'opal-events-client-0.1.0.tgz');
const BROKERS = process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers;
const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
const SECRET = 'whsec_' + Buffer.from('events-client-int-secret-0123456789').toString('base64');
// The stack's Redis remembers delivery ids for a day: every run uses its own.
const RUN = randomUUID().slice(0, 8);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const registry = new SchemaRegistryClient({ url: REGISTRY_URL });
// The workers may first drain what earlier suites left on their topics.
const APPLIED_WITHIN_MS = 90_000;

const keyFieldOf = (type: EventType) => TOPIC_CATALOGUE.find((entry) => entry.eventType === type)?.keyField as string;
/** A fixture made unique to this run: its key field names the run. */
const dataFor = (type: EventType, tag: string) => ({
  ...fixtureData(type),
  [keyFieldOf(type)]: `${tag}-${type}-${RUN}`,
});

const IDS = ['event_id', 'correlation_id'];
const without = (fields: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)));

async function decoded(record: TappedRecord | undefined): Promise<Record<string, unknown>> {
  if (!record) throw new Error('record not found');
  return (await registry.decode<Record<string, unknown>>(record.value)).value;
}

/**
 * The packed package from outside the workspace: installed with npm into a throwaway project in the
 * OS temp dir, run by plain Node through `require` and `import`, against the real Kafka, Schema
 * Registry and a running ingest gateway.
 */
describe('@opal/events-client, installed from its tarball', () => {
  const project = new ConsumerProject();
  const tap = new TopicTap(BROKERS.split(','));
  let gateway: RunningApp;
  let diagnostics: RunningApp;
  let recommendations: RunningApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Cached by Nx when nothing changed; `nx run events-client:int-test` has already run it.
    execFileSync('npx', ['nx', 'run', 'events-client:pack', '--outputStyle=static'], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    expect(existsSync(TARBALL)).toBe(true);
    const port = await freePort();
    [gateway, diagnostics, recommendations] = await Promise.all([
      startNxApp('ingest-gateway', { PORT: String(port), WEBHOOK_SECRETS: SECRET, RATE_LIMIT_PER_SECOND: '100000' }),
      startNxApp('diagnostics-worker', { PORT: String(await freePort()) }),
      startNxApp('recommendations-worker', { PORT: String(await freePort()) }),
      project.install(TARBALL),
    ]);
    env = {
      NODE_ENV: 'development',
      KAFKA_BROKERS: BROKERS,
      SCHEMA_REGISTRY_URL: REGISTRY_URL,
      INGEST_GATEWAY_URL: gateway.baseUrl,
      WEBHOOK_SECRETS: SECRET,
    };
    await tap.open();
  }, 300_000);

  afterAll(async () => {
    await tap.close();
    await Promise.all([gateway?.stop(), diagnostics?.stop(), recommendations?.stop()]);
    project.remove();
  });

  it('should install with its npm dependencies only: no Nest, no workspace package', () => {
    const installed = JSON.parse(
      readFileSync(path.join(project.dir, 'node_modules', '@opal', 'events-client', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };

    expect(Object.keys(installed.dependencies).sort()).toEqual([
      '@kafkajs/confluent-schema-registry',
      'avsc',
      'kafkajs',
      'snappy',
      'uuid',
      'zod',
    ]);
    expect(existsSync(path.join(project.dir, 'node_modules', '@nestjs'))).toBe(false);
    expect(existsSync(path.join(project.dir, 'node_modules', '@opal', 'contracts'))).toBe(false);
  });

  describe.each([
    ['cjs', 'require', /index\.cjs$/],
    ['esm', 'import', /index\.mjs$/],
  ] as const)('from plain Node (%s, %s)', (kind, _how, entry) => {
    let output: ConsumerOutput;
    let records: TappedRecord[];

    beforeAll(async () => {
      const publish = EVENT_TYPES.map((type) => ({
        type,
        data: dataFor(type, `sdk-${kind}`),
        options: { correlationId: `corr-sdk-${kind}-${RUN}`, source: 'opal-api' },
      }));
      const webhooks = EVENT_TYPES.map((type) => ({
        type,
        data: dataFor(type, `hook-${kind}`),
        options: { deliveryId: `msg_sdk_${kind}_${type}_${RUN}` },
      }));
      output = await project.run(kind, { publish, webhooks }, env);
      records = await tap.read();
    }, 180_000);

    it('should load the entry its module system asks for, with a typed method per event type', () => {
      expect(output.resolved).toMatch(entry);
      expect(output.methods).toHaveLength(EVENT_TYPES.length);
    });

    it('should publish all seven event types to Kafka, each record decoding through the registry', async () => {
      expect(output.published.map((result) => result.topic)).toEqual(EVENT_TYPES.map((type) => `opal.${type}`));
      for (const [index, type] of EVENT_TYPES.entries()) {
        const result = output.published[index] as ConsumerOutput['published'][number];
        const record = records.find((candidate) => candidate.headers['event_id'] === result.event_id);
        expect({ partition: record?.partition, offset: record?.offset, key: record?.key }).toEqual({
          partition: result.partition,
          offset: result.offset,
          key: `sdk-${kind}-${type}-${RUN}`,
        });
        expect(await decoded(record)).toMatchObject({
          ...dataFor(type, `sdk-${kind}`),
          event_id: result.event_id,
          correlation_id: `corr-sdk-${kind}-${RUN}`,
          source_system: 'opal-api',
          environment: 'development',
          schema_version: '1.0.0',
        });
      }
    });

    it('should name the offending field of an invalid payload', () => {
      expect(output.errors).toEqual([
        expect.objectContaining({
          name: 'EventValidationError',
          isValidation: true,
          errors: [{ path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' }],
        }),
      ]);
    });

    it('should report itself healthy against the real stack', () => {
      expect(output.health).toMatchObject({
        status: 'healthy',
        details: { kafka: { status: 'up' }, schemaRegistry: { status: 'up' }, eventsPublished: EVENT_TYPES.length },
      });
    });

    it('should send a signed webhook of each type that the gateway accepts with 202', () => {
      expect(output.sent.map((answer) => [answer.status, answer.topic, answer.duplicate])).toEqual(
        EVENT_TYPES.map((type) => [202, `opal.${type}`, false]),
      );
      expect(output.sent.map((answer) => answer.event_id)).toEqual(
        EVENT_TYPES.map((type) => eventIdForDelivery(`msg_sdk_${kind}_${type}_${RUN}`)),
      );
      for (const answer of output.sent)
        expect(records.filter((record) => record.headers['event_id'] === answer.event_id)).toHaveLength(1);
    });
  });

  it("should run the README's example as written", async () => {
    const readme = readFileSync(path.join(workspaceRoot, 'README.md'), 'utf8');
    const example = /## Client SDK[\s\S]*?```typescript\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain('getOpalEventProducer');

    const printed = await project.runModule('readme-example.mjs', example ?? '', env);

    expect(printed.trim()).toBe('Producer status: healthy');
  });

  describe.each([
    ['the producer', 'publish'],
    ['the webhook sender', 'webhooks'],
  ] as const)('a workflow told through %s, as the workers see it', (_channel, via) => {
    const tag = `${via}-${RUN}`;
    const workflowId = `wf-applied-${tag}`;
    const decisionId = `dec-applied-${tag}`;
    const userId = `user-applied-${tag}`;
    let output: ConsumerOutput;

    beforeAll(async () => {
      const agent = (agentId: string, offset: number, status: 'success' | 'failure') => ({
        ...fixtureData('agent.completed'),
        workflow_id: workflowId,
        agent_id: agentId,
        offset,
        execution_status: status,
      });
      // The same agent result twice under one idempotency key / delivery id: it must count once. The
      // failure that follows shares its key, so its partition: once it is applied, so is the repeat.
      const story: Array<[EventType, Record<string, unknown>, string]> = [
        [
          'user.preferences.updated',
          { ...fixtureData('user.preferences.updated'), user_id: userId, updated_at: Date.now() },
          'prefs',
        ],
        [
          'workflow.started',
          { ...fixtureData('workflow.started'), workflow_id: workflowId, estimated_duration_ms: 60_000 },
          'started',
        ],
        ['agent.completed', agent('agent-a', 0, 'success'), 'agent-a'],
        ['agent.completed', agent('agent-a', 0, 'success'), 'agent-a'],
        ['agent.completed', agent('agent-b', 1, 'failure'), 'agent-b'],
        [
          'decision.generated',
          { ...fixtureData('decision.generated'), decision_id: decisionId, workflow_id: workflowId, user_id: userId },
          'decision',
        ],
        [
          'workflow.completed',
          {
            ...fixtureData('workflow.completed'),
            workflow_id: workflowId,
            status: 'success',
            agents_completed: 1,
            agents_failed: 1,
          },
          'completed',
        ],
      ];
      // A repeat is the same delivery: same id, same body, so one occurrence time for the story.
      const timestamp = Date.now();
      const job = story.map(([type, data, step]) =>
        via === 'publish'
          ? { type, data, options: { idempotencyKey: `msg_applied_${tag}_${step}`, timestamp } }
          : { type, data, options: { deliveryId: `msg_applied_${tag}_${step}`, timestamp } },
      );
      output = await project.run('cjs', { [via]: job }, env);
    }, 180_000);

    it('should hand every event to Kafka, the repeat under the event id of the first', () => {
      const answers = via === 'publish' ? output.published : output.sent;
      expect(answers).toHaveLength(7);
      expect(answers[3]?.event_id).toBe(answers[2]?.event_id);
      expect(new Set(answers.map((answer) => answer.event_id)).size).toBe(6);
    });

    it('should have the diagnostics worker apply each event once: two agents, not three', async () => {
      const workflow = await eventually(
        () => getJson(`${diagnostics.baseUrl}/v1/diagnostics/workflows/${workflowId}`),
        (response) =>
          response.status === 200 &&
          response.body['status'] === 'success' &&
          (response.body['agents'] as { failed?: number } | undefined)?.failed === 1,
        APPLIED_WITHIN_MS,
        250,
      );

      expect(workflow.body).toMatchObject({
        workflowId,
        status: 'success',
        estimatedDurationMs: 60_000,
        agents: { events: 2, completed: 1, failed: 1 },
        reportedAgents: { completed: 1, failed: 1 },
      });
    });

    it('should have the recommendations worker turn the decision into recommendations for its user', async () => {
      const decision = await eventually(
        () => getJson(`${recommendations.baseUrl}/v1/recommendations/${decisionId}`),
        (response) => response.status === 200,
        APPLIED_WITHIN_MS,
        250,
      );

      expect(decision.body).toMatchObject({ decision_id: decisionId, workflow_id: workflowId, user_id: userId });
    });
  });

  describe('the same input through the SDK and through the gateway', () => {
    it.each(EVENT_TYPES)(
      'should give %s records with the same key, headers and value but for ids and timestamps',
      async (type) => {
        const data = dataFor(type, 'parity');
        const timestamp = Date.parse('2026-11-26T12:00:00.000Z');
        const webhookResponse = await fetchSigned(
          gateway.baseUrl,
          type,
          data,
          timestamp,
          `msg_parity_gw_${type}_${RUN}`,
          `corr-parity-gw-${RUN}`,
        );
        expect(webhookResponse.status).toBe(202);
        const sdk = await project.run(
          'cjs',
          {
            publish: [
              {
                type,
                data,
                options: {
                  timestamp: timestamp + 1,
                  source: DEFAULT_SOURCE_SYSTEM,
                  correlationId: `corr-parity-sdk-${RUN}`,
                  idempotencyKey: `msg_parity_sdk_${type}_${RUN}`,
                  traceparent: TRACEPARENT,
                },
              },
            ],
          },
          env,
        );

        const records = await tap.read();
        const viaGateway = records.find((record) => record.headers['event_id'] === webhookResponse.body['event_id']);
        const viaSdk = records.find((record) => record.headers['event_id'] === sdk.published[0]?.event_id);

        expect(viaSdk?.key).toBe(viaGateway?.key);
        expect(viaSdk?.topic).toBe(viaGateway?.topic);
        expect(Object.keys(viaSdk?.headers ?? {}).sort()).toEqual(Object.keys(viaGateway?.headers ?? {}).sort());
        expect(without(viaSdk?.headers ?? {}, IDS)).toEqual(without(viaGateway?.headers ?? {}, IDS));
        expect(without(await decoded(viaSdk), [...IDS, 'timestamp'])).toEqual(
          without(await decoded(viaGateway), [...IDS, 'timestamp']),
        );
        expect(sdk.published[0]?.event_id).toBe(eventIdForDelivery(`msg_parity_sdk_${type}_${RUN}`));
      },
    );
  });
});

/** One webhook as OPAL sends it, signed with the test secret, with a traceparent and a correlation id. */
async function fetchSigned(
  baseUrl: string,
  type: EventType,
  data: unknown,
  timestamp: number,
  deliveryId: string,
  correlationId: string,
) {
  const body = JSON.stringify({ type, timestamp: new Date(timestamp).toISOString(), data });
  const headers = {
    ...signWebhook({ secrets: SECRET, deliveryId, body }),
    'x-correlation-id': correlationId,
    traceparent: TRACEPARENT,
  };
  const response = await fetch(`${baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
