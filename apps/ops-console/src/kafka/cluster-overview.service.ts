import { Injectable } from '@nestjs/common';
import { RATE_WINDOW_MS } from '../ops-console.constants';
import { KafkaSession } from './kafka.session';
import { TopicRateSampler, sumHigh } from './topic-rate.sampler';
import { WATCHED_TOPICS, type WatchedTopic } from './watched-topics';

export interface BrokerView {
  nodeId: number;
  address: string;
  controller: boolean;
}

export interface TopicView extends WatchedTopic {
  exists: boolean;
  partitions: number;
  replicationFactor: number;
  /** The fewest in-sync replicas of any partition: below the replication factor means under-replicated. */
  minInSync: number;
  /** Sum of the partitions' end offsets (high-water marks). */
  endOffset: number;
  /** Records still held (end minus earliest offset), after retention. */
  retained: number;
  ratePerSecond: number | null;
}

export interface ClusterView {
  clusterId: string;
  brokers: BrokerView[];
  topics: TopicView[];
}

/** The overview's Kafka half: brokers and the watched topics' shape, offsets and rates. */
@Injectable()
export class ClusterOverviewService {
  constructor(
    private readonly kafka: KafkaSession,
    private readonly rates: TopicRateSampler,
  ) {}

  async cluster(): Promise<ClusterView> {
    const { admin } = await this.kafka.get();
    const [cluster, names] = await Promise.all([admin.describeCluster(), admin.listTopics()]);
    const existing = WATCHED_TOPICS.filter(({ topic }) => names.includes(topic)).map(({ topic }) => topic);
    const [metadata, offsets] = await Promise.all([
      existing.length > 0 ? admin.fetchTopicMetadata({ topics: existing }) : { topics: [] },
      Promise.all(existing.map((topic) => admin.fetchTopicOffsets(topic))),
    ]);
    const metaOf = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions]));
    const offsetsOf = new Map(existing.map((topic, index) => [topic, offsets[index] ?? []]));
    return {
      clusterId: cluster.clusterId,
      brokers: cluster.brokers
        .map(({ nodeId, host, port }) => ({ nodeId, address: `${host}:${port}`, controller: nodeId === cluster.controller }))
        .sort((a, b) => a.nodeId - b.nodeId),
      topics: WATCHED_TOPICS.map((watched) => {
        const partitions = metaOf.get(watched.topic);
        const marks = offsetsOf.get(watched.topic);
        if (!partitions || !marks) return { ...watched, exists: false, partitions: 0, replicationFactor: 0, minInSync: 0, endOffset: 0, retained: 0, ratePerSecond: null };
        return {
          ...watched,
          exists: true,
          partitions: partitions.length,
          replicationFactor: Math.min(...partitions.map((partition) => partition.replicas.length)),
          minInSync: Math.min(...partitions.map((partition) => partition.isr.length)),
          endOffset: sumHigh(marks),
          retained: marks.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0),
          ratePerSecond: this.rates.history.ratePerSecond(watched.topic, RATE_WINDOW_MS),
        };
      }),
    };
  }
}
