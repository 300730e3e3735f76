import { TOPIC_CATALOGUE, dlqTopicOf } from '@opal/contracts';
import type { DeploymentEnvironment } from '@opal/platform-config';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Topic-level settings the topic manager owns: set on creation, compared on every run. */
export const MANAGED_TOPIC_CONFIGS = ['cleanup.policy', 'min.insync.replicas', 'retention.ms'] as const;

export type ManagedTopicConfig = (typeof MANAGED_TOPIC_CONFIGS)[number];

/** Sizing and retention of the OPAL topics in one deployment environment (ARCHITECTURE.md §5). */
export interface TopicProfile {
  environment: DeploymentEnvironment;
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
  /** Dead-letter topics keep records longer than their sources so failures can be replayed. */
  dlqRetentionMs: number;
}

/** The desired state of one topic, as `TopicManager` reconciles it. */
export interface TopicSpec {
  topic: string;
  /** The profile this spec came from; named in errors when the cluster cannot host it. */
  environment: DeploymentEnvironment;
  partitions: number;
  replicationFactor: number;
  configs: Readonly<Record<ManagedTopicConfig, string>>;
  /**
   * Set on a dead-letter topic: its source. A DLQ record keeps its source partition number, so the
   * DLQ is given at least as many partitions as the source has (or will have) on the cluster.
   */
  dlqOf?: string;
}

/** Development, staging and production sizing, by deployment environment. */
export const TOPIC_PROFILES: Readonly<Record<DeploymentEnvironment, TopicProfile>> = {
  development: { environment: 'development', partitions: 3, replicationFactor: 1, retentionMs: DAY_MS, dlqRetentionMs: 14 * DAY_MS },
  staging: { environment: 'staging', partitions: 6, replicationFactor: 3, retentionMs: 3 * DAY_MS, dlqRetentionMs: 14 * DAY_MS },
  production: { environment: 'production', partitions: 12, replicationFactor: 3, retentionMs: 7 * DAY_MS, dlqRetentionMs: 14 * DAY_MS },
};

/** A write with `acks=all` survives one broker loss only when two replicas must confirm it. */
function minInsyncReplicasFor(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

function specOf(profile: TopicProfile, topic: string, retentionMs: number, dlqOf?: string): TopicSpec {
  return {
    topic,
    environment: profile.environment,
    partitions: profile.partitions,
    replicationFactor: profile.replicationFactor,
    configs: {
      'cleanup.policy': 'delete',
      'min.insync.replicas': String(minInsyncReplicasFor(profile.replicationFactor)),
      'retention.ms': String(retentionMs),
    },
    ...(dlqOf === undefined ? {} : { dlqOf }),
  };
}

/**
 * The full desired topic list for a profile: each source topic followed by its `<topic>.dlq` twin
 * (same partition count, 14 days retention). `topics` defaults to every topic of the catalogue;
 * pass other names (e.g. prefixed ones in tests) to size them the same way.
 */
export function topicSpecsFor(
  profile: TopicProfile,
  topics: readonly string[] = TOPIC_CATALOGUE.map((definition) => definition.topic),
): TopicSpec[] {
  return topics.flatMap((topic) => [
    specOf(profile, topic, profile.retentionMs),
    specOf(profile, dlqTopicOf(topic), profile.dlqRetentionMs, topic),
  ]);
}
