import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { EVENT_TYPES, TOPIC_CATALOGUE, type EventType } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { PayloadValidationError, SchemaRegistryClient } from '@opal/platform-schema-registry';
import { EVENT_SUBJECT_SCHEMAS } from '../src/event-schemas';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registry = new SchemaRegistryClient({ url: process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl });
const kafka = new Kafka({ clientId: 'contracts-round-trip', brokers, logLevel: logLevel.NOTHING });
// A topic of the test's own, so the real opal.* topics never carry test records.
const topic = `it.contracts.${Date.now().toString(36)}-${process.pid}`;

interface Received {
  key: string | undefined;
  headers: IHeaders;
  value: Buffer;
}

describe('every OPAL event through the real registry and broker', () => {
  const received = new Map<EventType, Received>();

  beforeAll(async () => {
    for (const { subject, definition } of EVENT_SUBJECT_SCHEMAS) await registry.ensureSubject(subject, definition, 'BACKWARD');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const messages = await Promise.all(
      TOPIC_CATALOGUE.map(async (entry) => {
        const fixture = loadFixture(entry.eventType) as unknown as Record<string, unknown>;
        return {
          key: String(fixture[entry.keyField]),
          value: await registry.encode(entry.subject, fixture),
          headers: { event_type: entry.eventType },
        };
      }),
    );
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}.reader` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const type = message.headers?.['event_type']?.toString() as EventType;
          received.set(type, { key: message.key?.toString(), headers: message.headers ?? {}, value: message.value ?? Buffer.alloc(0) });
          if (received.size === EVENT_TYPES.length) resolve();
        },
      });
    });
    await consumer.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it.each(TOPIC_CATALOGUE.map((entry) => [entry.eventType, entry] as const))(
    'should round-trip %s: Confluent frame of its subject, keyed by its key field, decoded equal to the fixture',
    async (eventType, entry) => {
      const record = received.get(eventType);
      const fixture = loadFixture(eventType) as unknown as Record<string, unknown>;
      const decoded = await registry.decode(record?.value ?? Buffer.alloc(0));

      expect(record?.value.readUInt8(0)).toBe(0);
      expect(decoded.schemaId).toBe(await registry.getLatestSchemaId(entry.subject));
      expect(record?.key).toBe(String(fixture[entry.keyField]));
      expect(decoded.value).toEqual(fixture);
    },
  );

  it('should refuse a payload with a wrong type or a missing field before anything is produced, naming the field', async () => {
    const wrongType = { ...loadFixture('agent.completed'), processing_time_ms: 'fast' };
    const missingField: Record<string, unknown> = { ...loadFixture('workflow.completed') };
    delete missingField['workflow_id'];

    await expect(registry.encode('opal.agent.completed-value', wrongType)).rejects.toThrow(PayloadValidationError);
    await expect(registry.encode('opal.agent.completed-value', wrongType)).rejects.toThrow(/processing_time_ms/);
    await expect(registry.encode('opal.workflow.completed-value', missingField)).rejects.toThrow(/workflow_id/);
  });
});
