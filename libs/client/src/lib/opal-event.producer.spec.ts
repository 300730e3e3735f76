import { EVENT_TYPES, PUBLISH_METHODS, eventIdForDelivery, type EventType } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { InvalidEnvironmentError } from '@opal/platform-config';
import { PayloadValidationError } from '@opal/platform-schema-registry/client';
import type { EventRecord } from '@opal/platform-kafka/standalone';
import { EventValidationError } from './event-validation.error';
import { OpalEventProducer, getOpalEventProducer, resetOpalEventProducer } from './opal-event.producer';
import type { ClusterProbe, EventEncoder, ProducerDependencies, RecordSink } from './opal-event.producer.types';

const NOW = 1_795_680_000_000;

/** Kafka and the registry in memory: the sink keeps what was sent, the encoder what it encoded. */
function fakes(overrides: { encode?: EventEncoder['encode']; ping?: EventEncoder['ping']; probe?: ClusterProbe['probe'] } = {}) {
  const sent: EventRecord[] = [];
  const encoded: Array<{ subject: string; payload: Record<string, unknown> }> = [];
  const lifecycle: string[] = [];
  const sink: RecordSink = {
    connect: async () => void lifecycle.push('connect'),
    disconnect: async () => void lifecycle.push('disconnect'),
    send: async (record) => {
      sent.push(record);
      return { topic: record.topic, partition: 2, offset: String(sent.length - 1) };
    },
  };
  const encoder: EventEncoder = {
    encode:
      overrides.encode ??
      (async (subject, payload) => {
        encoded.push({ subject, payload: payload as Record<string, unknown> });
        return Buffer.from(JSON.stringify(payload));
      }),
    ping: overrides.ping ?? (async () => undefined),
  };
  let ids = 0;
  const dependencies: ProducerDependencies = {
    createSink: () => sink,
    encoder,
    createProbe: () => ({ probe: overrides.probe ?? (async () => undefined), close: async () => undefined }),
    now: () => NOW,
    randomId: () => `random-${++ids}`,
  };
  return { sent, encoded, lifecycle, dependencies };
}

const ENV = { NODE_ENV: 'staging', SOURCE_SYSTEM: 'decision-api' };

describe(OpalEventProducer.name, () => {
  describe('publishWorkflowStarted', () => {
    it('should envelope, key and head the record like the gateway and resolve with its position', async () => {
      const { sent, encoded, dependencies } = fakes();
      const producer = new OpalEventProducer({ env: ENV }, dependencies);

      const result = await producer.publishWorkflowStarted(
        { workflow_id: 'wf-123', session_id: 'sess-456', client_name: 'example-client', workflow_name: 'strategy_workflow' },
        { correlationId: 'corr-789', timestamp: 1_731_408_000_000, source: 'opal-api', environment: 'production', idempotencyKey: 'wf-123:started' },
      );

      const eventId = eventIdForDelivery('wf-123:started');
      expect(result).toEqual({ event_id: eventId, topic: 'opal.workflow.started', partition: 2, offset: '0' });
      expect(encoded).toEqual([
        {
          subject: 'opal.workflow.started-value',
          payload: {
            schema_version: '1.0.0',
            event_id: eventId,
            correlation_id: 'corr-789',
            timestamp: 1_731_408_000_000,
            source_system: 'opal-api',
            environment: 'production',
            workflow_id: 'wf-123',
            session_id: 'sess-456',
            client_name: 'example-client',
            workflow_name: 'strategy_workflow',
          },
        },
      ]);
      expect(sent[0]).toEqual({
        topic: 'opal.workflow.started',
        key: 'wf-123',
        value: expect.any(Buffer),
        headers: { event_type: 'workflow.started', event_id: eventId, correlation_id: 'corr-789', source_system: 'opal-api', schema_version: '1.0.0' },
      });
    });

    it('should fill what the options leave out: a random event and correlation id, now, and the env defaults', async () => {
      const { encoded, dependencies } = fakes();
      const producer = new OpalEventProducer({ env: ENV }, dependencies);

      await producer.publishWorkflowStarted({ workflow_id: 'wf-1', client_name: 'acme', workflow_name: 'w' });

      expect(encoded[0]?.payload).toMatchObject({
        event_id: 'random-1',
        correlation_id: 'random-2',
        timestamp: NOW,
        source_system: 'decision-api',
        environment: 'staging',
      });
    });

    it('should give the same idempotency key the same event id every time', async () => {
      const { dependencies } = fakes();
      const producer = new OpalEventProducer({ env: {} }, dependencies);
      const data = { workflow_id: 'wf-1', client_name: 'acme', workflow_name: 'w' };

      const [first, again] = [await producer.publishWorkflowStarted(data, { idempotencyKey: 'k-1' }), await producer.publishWorkflowStarted(data, { idempotencyKey: 'k-1' })];

      expect(again.event_id).toBe(first.event_id);
    });

    it('should pass a valid traceparent on as a header', async () => {
      const { sent, dependencies } = fakes();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

      await new OpalEventProducer({ env: {} }, dependencies).publishWorkflowStarted({ workflow_id: 'wf-1', client_name: 'a', workflow_name: 'w' }, { traceparent });

      expect(sent[0]?.headers['traceparent']).toBe(traceparent);
    });
  });

  describe('publishEvent (every typed method)', () => {
    it.each(EVENT_TYPES)('should publish a valid %s to its topic through its typed method', async (eventType: EventType) => {
      const { sent, dependencies } = fakes();
      const producer = new OpalEventProducer({ env: {} }, dependencies);
      const publish = producer[PUBLISH_METHODS[eventType]] as (data: unknown) => Promise<{ topic: string }>;

      await expect(publish.call(producer, fixtureData(eventType))).resolves.toMatchObject({ topic: `opal.${eventType}` });
      expect(sent).toHaveLength(1);
    });

    it('should refuse invalid data naming each field, before the registry or Kafka is asked', async () => {
      const { sent, encoded, dependencies } = fakes();
      const producer = new OpalEventProducer({ env: {} }, dependencies);
      const data = { ...fixtureData('agent.completed'), agent_data: { recommendations: [], confidence_score: 'high' } } as never;

      const error = await producer.publishAgentCompleted(data).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as EventValidationError).errors).toEqual([{ path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' }]);
      expect((error as Error).message).toContain('agent.completed does not match its schema: agent_data.confidence_score');
      expect([sent, encoded]).toEqual([[], []]);
    });

    it('should name a missing required field', async () => {
      const { dependencies } = fakes();
      const data = fixtureData('workflow.completed');
      delete data['workflow_id'];

      const error = await new OpalEventProducer({ env: {} }, dependencies).publishWorkflowCompleted(data as never).catch((e: unknown) => e);

      expect((error as EventValidationError).errors).toEqual([expect.objectContaining({ path: 'workflow_id', message: expect.stringMatching(/^required field missing/) })]);
    });

    it('should refuse envelope fields in the data (the producer sets them)', async () => {
      const { dependencies } = fakes();
      const data = { ...fixtureData('workflow.started'), event_id: 'forged' } as never;

      const error = await new OpalEventProducer({ env: {} }, dependencies).publishWorkflowStarted(data).catch((e: unknown) => e);

      expect((error as EventValidationError).errors).toEqual([{ path: 'event_id', message: 'is set by the producer and must not be sent' }]);
    });

    it('should accept data without the fields that have a default', async () => {
      const { encoded, dependencies } = fakes();

      await new OpalEventProducer({ env: {} }, dependencies).publishUserPreferencesUpdated({ user_id: 'u-1', client_name: 'acme', preferences: {}, updated_at: NOW });

      expect(encoded[0]?.payload).toMatchObject({ user_id: 'u-1', preferences: {} });
    });

    it('should report a payload the registered schema refuses as the same validation error', async () => {
      const refusal = new PayloadValidationError([{ path: 'title', message: 'expected string' }], 7, 'opal.knowledge.upserted-value');
      const { dependencies } = fakes({ encode: () => Promise.reject(refusal) });

      const error = await new OpalEventProducer({ env: {} }, dependencies).publishKnowledgeUpserted(fixtureData('knowledge.upserted') as never).catch((e: unknown) => e);

      expect(error).toEqual(expect.objectContaining({ name: 'EventValidationError', errors: refusal.errors, cause: refusal }));
    });

    it('should refuse a timestamp that is not epoch milliseconds', async () => {
      const { dependencies } = fakes();

      await expect(
        new OpalEventProducer({ env: {} }, dependencies).publishWorkflowCompleted(fixtureData('workflow.completed') as never, { timestamp: new Date('nope') }),
      ).rejects.toThrow(RangeError);
    });
  });

  describe('constructor', () => {
    it('should name a bad variable of the environment', () => {
      expect(() => new OpalEventProducer({ env: { KAFKA_SSL: 'maybe' } })).toThrow('opal-events-client: invalid environment: KAFKA_SSL="maybe": expected true or false');
      expect(() => new OpalEventProducer({ env: { KAFKA_SSL: 'maybe' } })).toThrow(InvalidEnvironmentError);
    });

    it('should not read the variables an explicit option replaces', () => {
      const env = { KAFKA_SSL: 'maybe', NODE_ENV: 'test', SCHEMA_REGISTRY_URL: 'not a url' };

      expect(
        () => new OpalEventProducer({ env, kafka: { brokers: ['127.0.0.1:9092'], ssl: false }, environment: 'development', schemaRegistry: { url: 'http://127.0.0.1:8081' } }),
      ).not.toThrow();
    });

    it('should require SASL credentials in pairs', () => {
      expect(() => new OpalEventProducer({ env: { KAFKA_USERNAME: 'svc' } })).toThrow('KAFKA_PASSWORD');
    });
  });

  describe('connect and disconnect', () => {
    it('should connect the Kafka producer, and make a new one after a disconnect', async () => {
      const { lifecycle, dependencies } = fakes();
      const createSink = jest.fn(dependencies.createSink);
      const producer = new OpalEventProducer({ env: {} }, { ...dependencies, createSink });

      await producer.connect();
      await producer.disconnect();
      await producer.connect();

      expect(lifecycle).toEqual(['connect', 'disconnect', 'connect']);
      expect(createSink).toHaveBeenCalledTimes(2);
    });
  });

  describe('healthCheck', () => {
    it('should be healthy when Kafka and the registry answer, with the counters', async () => {
      const { dependencies } = fakes();
      const producer = new OpalEventProducer({ env: {} }, dependencies);
      await producer.publishWorkflowCompleted(fixtureData('workflow.completed') as never);

      await expect(producer.healthCheck()).resolves.toEqual({
        status: 'healthy',
        details: { kafka: { status: 'up' }, schemaRegistry: { status: 'up' }, connected: true, eventsPublished: 1, publishFailures: 0, lastPublishedAt: NOW },
      });
    });

    it('should report each dependency that is down instead of throwing, and one that hangs as down after the timeout', async () => {
      const { dependencies } = fakes({ probe: () => Promise.reject(new Error('connect ECONNREFUSED')), ping: () => new Promise(() => undefined) });

      const health = await new OpalEventProducer({ env: {}, healthTimeoutMs: 20 }, dependencies).healthCheck();

      expect(health).toMatchObject({
        status: 'unhealthy',
        details: { kafka: { status: 'down', error: 'connect ECONNREFUSED' }, schemaRegistry: { status: 'down', error: 'The Schema Registry did not answer within 20 ms' } },
      });
    });
  });
});

describe(getOpalEventProducer.name, () => {
  afterEach(() => resetOpalEventProducer());

  it('should return one producer per process', () => {
    const first = getOpalEventProducer({ env: {} });

    expect(getOpalEventProducer()).toBe(first);
  });

  it('should refuse options once the producer exists rather than ignore them', () => {
    getOpalEventProducer({ env: {} });

    expect(() => getOpalEventProducer({ env: {}, sourceSystem: 'other' })).toThrow('options are taken only by the first call');
  });

  it('should make a new producer after a reset', async () => {
    const first = getOpalEventProducer({ env: {} });
    await resetOpalEventProducer();

    expect(getOpalEventProducer({ env: {} })).not.toBe(first);
  });
});
