import type { DescribeConfigResponse, ITopicConfig, ITopicMetadata, ITopicPartitionConfig, ResourceConfigQuery } from 'kafkajs';
import { TopicManager } from './topic-manager';
import type { TopicAdmin } from './topic-manager';
import { TopicProfileError } from './topic-profile.error';
import { TOPIC_PROFILES, topicSpecsFor } from './topic-profiles';

interface FakeTopic {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

// An in-memory cluster that records every call that would change it.
class FakeTopicAdmin implements TopicAdmin {
  readonly topics = new Map<string, FakeTopic>();
  readonly created: ITopicConfig[][] = [];
  readonly raised: ITopicPartitionConfig[][] = [];
  readonly described: string[][] = [];

  constructor(private readonly brokerCount = 1) {}

  async describeCluster() {
    const brokers = Array.from({ length: this.brokerCount }, (_, nodeId) => ({ nodeId, host: '127.0.0.1', port: 9092 + nodeId }));
    return { brokers, controller: 0, clusterId: 'fake' };
  }

  async listTopics(): Promise<string[]> {
    return [...this.topics.keys(), 'someone.elses.topic'];
  }

  async fetchTopicMetadata(options?: { topics: string[] }): Promise<{ topics: ITopicMetadata[] }> {
    const names = options?.topics ?? [...this.topics.keys()];
    return {
      topics: names.map((name) => {
        const topic = this.require(name);
        const partitions = Array.from({ length: topic.partitions }, (_, partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: 0,
          replicas: Array.from({ length: topic.replicationFactor }, (_, replica) => replica),
          isr: [0],
        }));
        return { name, partitions };
      }),
    };
  }

  async describeConfigs(request: { resources: ResourceConfigQuery[]; includeSynonyms: boolean }): Promise<DescribeConfigResponse> {
    this.described.push(request.resources.map((resource) => resource.name));
    return {
      throttleTime: 0,
      resources: request.resources.map((resource) => ({
        errorCode: 0,
        errorMessage: '',
        resourceName: resource.name,
        resourceType: resource.type,
        configEntries: (resource.configNames ?? []).map((configName) => ({
          configName,
          configValue: this.require(resource.name).configs[configName] ?? '',
          isDefault: false,
          configSource: 1,
          isSensitive: false,
          readOnly: false,
          configSynonyms: [],
        })),
      })),
    };
  }

  async createTopics(request: { topics: ITopicConfig[] }): Promise<boolean> {
    this.created.push(request.topics);
    for (const { topic, numPartitions = 1, replicationFactor = 1, configEntries = [] } of request.topics) {
      const configs = Object.fromEntries(configEntries.map(({ name, value }) => [name, value]));
      this.topics.set(topic, { partitions: numPartitions, replicationFactor, configs });
    }
    return true;
  }

  async createPartitions(request: { topicPartitions: ITopicPartitionConfig[] }): Promise<boolean> {
    this.raised.push(request.topicPartitions);
    for (const { topic, count } of request.topicPartitions) this.require(topic).partitions = count;
    return true;
  }

  private require(name: string): FakeTopic {
    const topic = this.topics.get(name);
    if (topic === undefined) throw new Error(`fake: unknown topic ${name}`);
    return topic;
  }
}

const devSpecs = topicSpecsFor(TOPIC_PROFILES.development, ['opal.workflow.started', 'opal.agent.completed']);

describe(TopicManager.name, () => {
  describe('reconcile', () => {
    it('should create every missing topic with its configs in one call, then only verify', async () => {
      const admin = new FakeTopicAdmin();
      const manager = new TopicManager(admin);

      const first = await manager.reconcile(devSpecs);
      const second = await manager.reconcile(devSpecs);

      expect(first.map((row) => row.action)).toEqual(['created', 'created', 'created', 'created']);
      expect(admin.created).toHaveLength(1);
      expect(admin.created[0]?.[1]).toEqual({
        topic: 'opal.workflow.started.dlq',
        numPartitions: 3,
        replicationFactor: 1,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'min.insync.replicas', value: '1' },
          { name: 'retention.ms', value: '1209600000' },
        ],
      });
      expect(second.map((row) => row.action)).toEqual(['verified', 'verified', 'verified', 'verified']);
      expect(admin.created).toHaveLength(1);
      expect(admin.raised).toHaveLength(0);
    });

    it('should raise low partition counts and leave drifted configs alone', async () => {
      const admin = new FakeTopicAdmin();
      const manager = new TopicManager(admin);
      await manager.reconcile(devSpecs);
      admin.topics.set('opal.agent.completed', {
        partitions: 2,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'delete', 'min.insync.replicas': '1', 'retention.ms': '3600000' },
      });

      const report = await manager.reconcile(devSpecs);

      expect(admin.raised).toEqual([[{ topic: 'opal.agent.completed', count: 3 }]]);
      expect(report.filter((row) => row.topic === 'opal.agent.completed')).toEqual([
        { topic: 'opal.agent.completed', action: 'partitions-raised', details: 'partitions 2→3' },
        { topic: 'opal.agent.completed', action: 'drift', details: 'retention.ms 3600000 (want 86400000)' },
      ]);
      expect(admin.topics.get('opal.agent.completed')?.configs['retention.ms']).toBe('3600000');
    });

    it('should ask only about its own topics and for the managed configs', async () => {
      const admin = new FakeTopicAdmin();
      const manager = new TopicManager(admin);

      await manager.reconcile(devSpecs);
      await manager.reconcile(devSpecs);

      expect(admin.described).toEqual([devSpecs.map((spec) => spec.topic)]);
    });

    it('should refuse a profile the cluster cannot host before changing anything', async () => {
      const admin = new FakeTopicAdmin(1);
      const manager = new TopicManager(admin);

      const attempt = manager.reconcile(topicSpecsFor(TOPIC_PROFILES.production));

      await expect(attempt).rejects.toBeInstanceOf(TopicProfileError);
      await expect(attempt).rejects.toMatchObject({
        code: 'KAFKA_TOPIC_PROFILE_UNSATISFIABLE',
        message: 'production profile needs replication factor 3 but the cluster has 1 broker; use NODE_ENV=development locally',
      });
      expect(admin.created).toEqual([]);
      expect(admin.raised).toEqual([]);
    });

    it('should host the staging profile on three brokers', async () => {
      const admin = new FakeTopicAdmin(3);

      const report = await new TopicManager(admin).reconcile(topicSpecsFor(TOPIC_PROFILES.staging, ['opal.workflow.started']));

      expect(report.map((row) => row.action)).toEqual(['created', 'created']);
      expect(admin.topics.get('opal.workflow.started')).toMatchObject({ partitions: 6, replicationFactor: 3 });
    });
  });

  describe('plan', () => {
    it('should report what reconcile would do without changing the cluster', async () => {
      const admin = new FakeTopicAdmin();
      const manager = new TopicManager(admin);

      const planned = await manager.plan(devSpecs);

      expect(planned.map((row) => row.action)).toEqual(['created', 'created', 'created', 'created']);
      expect(admin.topics.size).toBe(0);
      expect(await manager.reconcile(devSpecs)).toEqual(planned);
    });
  });
});
