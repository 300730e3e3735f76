import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import { MANAGED_TOPIC_CONFIGS } from './topic-profiles';
import type { ManagedTopicConfig, TopicSpec } from './topic-profiles';
import { planTopicChanges } from './topic-plan';
import type { ClusterState, ObservedTopic, TopicChangePlan, TopicReportRow } from './topic-plan';

/**
 * The part of a kafkajs `Admin` the topic manager uses. It has no delete or alter operation, so the
 * manager cannot remove a topic or rewrite its configuration even by mistake.
 */
export type TopicAdmin = Pick<
  Admin,
  'describeCluster' | 'listTopics' | 'fetchTopicMetadata' | 'describeConfigs' | 'createTopics' | 'createPartitions'
>;

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  return {
    topic: spec.topic,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configEntries: MANAGED_TOPIC_CONFIGS.map((name) => ({ name, value: spec.configs[name] })),
  };
}

function isManagedConfig(name: string): name is ManagedTopicConfig {
  return (MANAGED_TOPIC_CONFIGS as readonly string[]).includes(name);
}

/**
 * Brings the cluster's topics up to a list of `TopicSpec`s (see `topicSpecsFor`): creates missing
 * topics with their configs, raises partition counts that are too low, and reports every other
 * difference as drift without touching it. It never deletes a topic, never lowers a partition count
 * and never downgrades a profile to fit a small cluster.
 *
 * Constructed with a kafkajs `Admin` (or anything with the `TopicAdmin` subset) that the caller has
 * connected and will disconnect; the manager owns no connection.
 */
export class TopicManager {
  constructor(private readonly admin: TopicAdmin) {}

  /**
   * Dry run: the report `reconcile` would return for `specs`, without changing the cluster.
   * @throws TopicProfileError when the cluster has fewer brokers than a spec's replication factor.
   */
  async plan(specs: readonly TopicSpec[]): Promise<TopicReportRow[]> {
    return (await this.planAgainstCluster(specs)).rows;
  }

  /**
   * Applies `specs` and reports one row per topic and action: `created`, `partitions-raised`,
   * `drift` (left as it is) or `verified`. On an already reconciled cluster every row is `verified`.
   * @throws TopicProfileError before any change when the cluster has fewer brokers than a spec's
   * replication factor.
   */
  async reconcile(specs: readonly TopicSpec[]): Promise<TopicReportRow[]> {
    const plan = await this.planAgainstCluster(specs);
    if (plan.create.length > 0) {
      await this.admin.createTopics({ topics: plan.create.map(toTopicConfig), waitForLeaders: true });
    }
    if (plan.raisePartitions.length > 0) {
      await this.admin.createPartitions({ topicPartitions: plan.raisePartitions });
    }
    return plan.rows;
  }

  private async planAgainstCluster(specs: readonly TopicSpec[]): Promise<TopicChangePlan> {
    return planTopicChanges(specs, await this.observe(specs));
  }

  private async observe(specs: readonly TopicSpec[]): Promise<ClusterState> {
    const { brokers } = await this.admin.describeCluster();
    const wanted = new Set(specs.map((spec) => spec.topic));
    const existing = (await this.admin.listTopics()).filter((topic) => wanted.has(topic));
    const topics = new Map<string, ObservedTopic>();
    // kafkajs reads an empty topic list as "every topic" (metadata) or rejects it (configs).
    if (existing.length === 0) return { brokerCount: brokers.length, topics };

    const metadata = await this.admin.fetchTopicMetadata({ topics: existing });
    for (const { name, partitions } of metadata.topics) {
      const replicationFactor = partitions.length === 0 ? 0 : Math.min(...partitions.map((partition) => partition.replicas.length));
      topics.set(name, { partitions: partitions.length, replicationFactor, configs: {} });
    }

    const { resources } = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: existing.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: [...MANAGED_TOPIC_CONFIGS],
      })),
    });
    for (const resource of resources) {
      const observed = topics.get(resource.resourceName);
      if (observed === undefined) continue;
      for (const entry of resource.configEntries) {
        if (isManagedConfig(entry.configName)) observed.configs[entry.configName] = entry.configValue;
      }
    }
    return { brokerCount: brokers.length, topics };
  }
}
