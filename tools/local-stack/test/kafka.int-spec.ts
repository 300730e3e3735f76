import { Kafka, logLevel, type Admin, type EachMessagePayload } from 'kafkajs';
import { runId, stackEndpoints } from './stack-endpoints';

describe('Kafka broker (kafkajs)', () => {
  const kafka = new Kafka({ clientId: 'stack-smoke', brokers: stackEndpoints.brokers, logLevel: logLevel.NOTHING });
  const topic = `smoke.kafka.${runId}`;
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('should report a KRaft cluster with one broker on loopback', async () => {
    const cluster = await admin.describeCluster();

    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]?.host).toBe('127.0.0.1');
    expect(cluster.controller).toBe(cluster.brokers[0]?.nodeId);
  });

  it('should produce with acks=all and consume the same key, value and headers in a group', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const [ack] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'workflow-1', value: 'hello kafka', headers: { event_type: 'smoke.test' } }],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `smoke-${runId}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<EachMessagePayload>((resolve) => {
      void consumer.run({ eachMessage: async (payload) => resolve(payload) });
    });
    await consumer.disconnect();

    expect(ack?.errorCode).toBe(0);
    expect(received.partition).toBe(ack?.partition);
    expect(received.message.offset).toBe(ack?.baseOffset);
    expect(received.message.key?.toString()).toBe('workflow-1');
    expect(received.message.value?.toString()).toBe('hello kafka');
    expect(received.message.headers?.['event_type']?.toString()).toBe('smoke.test');
  });

  it('should refuse to auto-create topics: topics come from the project\'s own tooling', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();

    await expect(producer.send({ topic: `smoke.missing.${runId}`, messages: [{ value: 'x' }] })).rejects.toThrow();
    await producer.disconnect();
    expect(await admin.listTopics()).not.toContain(`smoke.missing.${runId}`);
  });
});
