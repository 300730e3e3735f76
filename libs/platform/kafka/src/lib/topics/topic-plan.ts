import { MANAGED_TOPIC_CONFIGS } from './topic-profiles';
import type { ManagedTopicConfig, TopicSpec } from './topic-profiles';
import { TopicProfileError } from './topic-profile.error';

/** What `TopicManager` did (or, from `plan`, would do) to one topic. */
export type TopicAction = 'created' | 'verified' | 'partitions-raised' | 'drift';

/** One line of a topic report; `details` is for humans, e.g. `partitions 3→6`. */
export interface TopicReportRow {
  topic: string;
  action: TopicAction;
  details: string;
}

export interface ObservedTopic {
  partitions: number;
  replicationFactor: number;
  configs: Partial<Record<ManagedTopicConfig, string>>;
}

export interface ClusterState {
  brokerCount: number;
  topics: ReadonlyMap<string, ObservedTopic>;
}

export interface TopicChangePlan {
  rows: TopicReportRow[];
  create: TopicSpec[];
  raisePartitions: { topic: string; count: number }[];
}

function assertClusterCanHost(specs: readonly TopicSpec[], brokerCount: number): void {
  const widest = specs.reduce<TopicSpec | undefined>(
    (max, spec) => (max === undefined || spec.replicationFactor > max.replicationFactor ? spec : max),
    undefined,
  );
  if (widest !== undefined && widest.replicationFactor > brokerCount) {
    throw new TopicProfileError(widest.environment, widest.replicationFactor, brokerCount);
  }
}

/** A DLQ record keeps its source partition number, so the DLQ must never have fewer partitions. */
function targetPartitions(spec: TopicSpec, specs: ReadonlyMap<string, TopicSpec>, cluster: ClusterState): number {
  if (spec.dlqOf === undefined) return spec.partitions;
  const sourceWanted = specs.get(spec.dlqOf)?.partitions ?? 0;
  const sourceHas = cluster.topics.get(spec.dlqOf)?.partitions ?? 0;
  return Math.max(spec.partitions, sourceWanted, sourceHas);
}

function describeSpec(spec: TopicSpec, partitions: number): string {
  const configs = MANAGED_TOPIC_CONFIGS.map((name) => `${name} ${spec.configs[name]}`);
  return [`partitions ${partitions}`, `replication factor ${spec.replicationFactor}`, ...configs].join(', ');
}

function driftOf(spec: TopicSpec, observed: ObservedTopic, partitions: number): string[] {
  const drift: string[] = [];
  if (observed.partitions > partitions) {
    drift.push(`partitions ${observed.partitions} (want ${partitions}; partitions are never lowered)`);
  }
  if (observed.replicationFactor !== spec.replicationFactor) {
    drift.push(`replication factor ${observed.replicationFactor} (want ${spec.replicationFactor})`);
  }
  for (const name of MANAGED_TOPIC_CONFIGS) {
    const actual = observed.configs[name];
    if (actual !== spec.configs[name]) drift.push(`${name} ${actual ?? '(unset)'} (want ${spec.configs[name]})`);
  }
  return drift;
}

// Pure, so every diff rule is unit-testable without a broker; TopicManager observes and applies.
export function planTopicChanges(specs: readonly TopicSpec[], cluster: ClusterState): TopicChangePlan {
  assertClusterCanHost(specs, cluster.brokerCount);
  const specsByTopic = new Map(specs.map((spec) => [spec.topic, spec]));
  const plan: TopicChangePlan = { rows: [], create: [], raisePartitions: [] };

  for (const spec of specs) {
    const partitions = targetPartitions(spec, specsByTopic, cluster);
    const observed = cluster.topics.get(spec.topic);
    if (observed === undefined) {
      plan.create.push({ ...spec, partitions });
      plan.rows.push({ topic: spec.topic, action: 'created', details: describeSpec(spec, partitions) });
      continue;
    }

    const rows: TopicReportRow[] = [];
    if (observed.partitions < partitions) {
      plan.raisePartitions.push({ topic: spec.topic, count: partitions });
      rows.push({ topic: spec.topic, action: 'partitions-raised', details: `partitions ${observed.partitions}→${partitions}` });
    }
    const drift = driftOf(spec, observed, partitions);
    if (drift.length > 0) rows.push({ topic: spec.topic, action: 'drift', details: drift.join('; ') });
    if (rows.length === 0) rows.push({ topic: spec.topic, action: 'verified', details: describeSpec(spec, partitions) });
    plan.rows.push(...rows);
  }
  return plan;
}
