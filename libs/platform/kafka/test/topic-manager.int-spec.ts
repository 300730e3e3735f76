import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { TOPIC_CATALOGUE, dlqTopicOf } from '@opal/contracts';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { MANAGED_TOPIC_CONFIGS, TOPIC_PROFILES, TopicManager, TopicProfileError, topicSpecsFor } from '../src';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const runPrefix = `it.${Date.now().toString(36)}-${process.pid}`;
const topicsFor = (scenario: string): string[] => TOPIC_CATALOGUE.map(({ topic }) => `${runPrefix}.${scenario}.${topic}`);

describe(TopicManager.name, () => {
  const kafka = new Kafka({ clientId: 'topic-manager-it', brokers, logLevel: logLevel.NOTHING });
  const development = TOPIC_PROFILES.development;
  let admin: Admin;
  let manager: TopicManager;

  async function partitionsOf(topic: string): Promise<{ count: number; replicas: number[] }> {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return { count: metadata?.partitions.length ?? 0, replicas: metadata?.partitions.map((p) => p.replicas.length) ?? [] };
  }

  async function configsOf(topic: string): Promise<Record<string, string>> {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...MANAGED_TOPIC_CONFIGS] }],
    });
    return Object.fromEntries((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
  }

  async function createRaw(topic: string, numPartitions: number, retentionMs: number): Promise<void> {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'min.insync.replicas', value: '1' },
            { name: 'retention.ms', value: String(retentionMs) },
          ],
        },
      ],
    });
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    manager = new TopicManager(admin);
  });

  afterAll(async () => {
    // Test cleanup only: the manager itself never deletes.
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(`${runPrefix}.`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  describe('reconcile', () => {
    it('should create every catalogue topic and its DLQ with the development profile, then only verify', async () => {
      const sources = topicsFor('fresh');
      const specs = topicSpecsFor(development, sources);

      const first = await manager.reconcile(specs);

      expect(first).toHaveLength(2 * TOPIC_CATALOGUE.length);
      expect(first.every((row) => row.action === 'created')).toBe(true);
      for (const source of sources) {
        for (const [topic, retentionMs] of [
          [source, development.retentionMs],
          [dlqTopicOf(source), development.dlqRetentionMs],
        ] as const) {
          expect(await partitionsOf(topic)).toEqual({ count: 3, replicas: [1, 1, 1] });
          expect(await configsOf(topic)).toEqual({
            'cleanup.policy': 'delete',
            'min.insync.replicas': '1',
            'retention.ms': String(retentionMs),
          });
        }
      }

      const second = await manager.reconcile(specs);

      expect(second.map((row) => row.topic)).toEqual(specs.map((spec) => spec.topic));
      expect(second.every((row) => row.action === 'verified')).toBe(true);
    });

    it('should raise a topic created with too few partitions and report it', async () => {
      const [source] = topicsFor('raise') as [string];
      await createRaw(source, 1, development.retentionMs);

      const report = await manager.reconcile(topicSpecsFor(development, [source]));

      expect(report).toEqual([
        { topic: source, action: 'partitions-raised', details: 'partitions 1→3' },
        expect.objectContaining({ topic: dlqTopicOf(source), action: 'created' }),
      ]);
      expect((await partitionsOf(source)).count).toBe(3);
      expect((await partitionsOf(dlqTopicOf(source))).count).toBe(3);
      expect((await manager.reconcile(topicSpecsFor(development, [source]))).map((row) => row.action)).toEqual([
        'verified',
        'verified',
      ]);
    });

    it('should keep a wider source as it is and give its DLQ as many partitions', async () => {
      const [source] = topicsFor('wide') as [string];
      await createRaw(source, 5, development.retentionMs);

      const report = await manager.reconcile(topicSpecsFor(development, [source]));

      expect(report[0]).toEqual({ topic: source, action: 'drift', details: 'partitions 5 (want 3; partitions are never lowered)' });
      expect((await partitionsOf(source)).count).toBe(5);
      expect((await partitionsOf(dlqTopicOf(source))).count).toBe(5);
    });

    it('should report a retention that differs as drift and leave it unchanged', async () => {
      const [source] = topicsFor('drift') as [string];
      await createRaw(source, 3, 3_600_000);
      const specs = topicSpecsFor(development, [source]);

      const first = await manager.reconcile(specs);
      const second = await manager.reconcile(specs);

      const drift = { topic: source, action: 'drift', details: 'retention.ms 3600000 (want 86400000)' };
      expect(first[0]).toEqual(drift);
      expect(second).toEqual([drift, expect.objectContaining({ topic: dlqTopicOf(source), action: 'verified' })]);
      expect((await configsOf(source))['retention.ms']).toBe('3600000');
    });

    it('should refuse the production profile on a single broker with a clear message and create nothing', async () => {
      const sources = topicsFor('production');

      const attempt = manager.reconcile(topicSpecsFor(TOPIC_PROFILES.production, sources));

      await expect(attempt).rejects.toBeInstanceOf(TopicProfileError);
      await expect(attempt).rejects.toThrow(
        'production profile needs replication factor 3 but the cluster has 1 broker; use NODE_ENV=development locally',
      );
      const existing = await admin.listTopics();
      expect(existing.filter((topic) => topic.startsWith(`${runPrefix}.production.`))).toEqual([]);
    });
  });

  describe('plan', () => {
    it('should report the topics it would create without creating them', async () => {
      const sources = topicsFor('planned');

      const planned = await manager.plan(topicSpecsFor(development, sources));

      expect(planned.map((row) => row.action)).toEqual(Array(2 * sources.length).fill('created'));
      const existing = await admin.listTopics();
      expect(existing.filter((topic) => topic.startsWith(`${runPrefix}.planned.`))).toEqual([]);
    });
  });
});
