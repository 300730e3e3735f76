import { TopicProfileError } from './topic-profile.error';
import { planTopicChanges } from './topic-plan';
import type { ClusterState, ObservedTopic } from './topic-plan';
import { TOPIC_PROFILES, topicSpecsFor } from './topic-profiles';
import type { TopicSpec } from './topic-profiles';

const TOPIC = 'opal.workflow.started';
const DLQ = 'opal.workflow.started.dlq';
const devSpecs = topicSpecsFor(TOPIC_PROFILES.development, [TOPIC]);

function observedAs(spec: TopicSpec, overrides: Partial<ObservedTopic> = {}): ObservedTopic {
  return { partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs }, ...overrides };
}

function cluster(topics: Record<string, ObservedTopic>, brokerCount = 1): ClusterState {
  return { brokerCount, topics: new Map(Object.entries(topics)) };
}

function reconciled(specs: readonly TopicSpec[]): Record<string, ObservedTopic> {
  return Object.fromEntries(specs.map((spec) => [spec.topic, observedAs(spec)]));
}

describe(planTopicChanges.name, () => {
  const [source, dlq] = devSpecs as [TopicSpec, TopicSpec];

  it('should create every missing topic with its size and configs', () => {
    const plan = planTopicChanges(devSpecs, cluster({}));

    expect(plan.create).toEqual(devSpecs);
    expect(plan.raisePartitions).toEqual([]);
    expect(plan.rows).toEqual([
      {
        topic: TOPIC,
        action: 'created',
        details: 'partitions 3, replication factor 1, cleanup.policy delete, min.insync.replicas 1, retention.ms 86400000',
      },
      {
        topic: DLQ,
        action: 'created',
        details: 'partitions 3, replication factor 1, cleanup.policy delete, min.insync.replicas 1, retention.ms 1209600000',
      },
    ]);
  });

  it('should only verify a cluster that matches', () => {
    const plan = planTopicChanges(devSpecs, cluster(reconciled(devSpecs)));

    expect(plan.create).toEqual([]);
    expect(plan.raisePartitions).toEqual([]);
    expect(plan.rows.map((row) => [row.topic, row.action])).toEqual([
      [TOPIC, 'verified'],
      [DLQ, 'verified'],
    ]);
  });

  it('should raise a partition count that is too low', () => {
    const plan = planTopicChanges(devSpecs, cluster({ [TOPIC]: observedAs(source, { partitions: 1 }), [DLQ]: observedAs(dlq) }));

    expect(plan.raisePartitions).toEqual([{ topic: TOPIC, count: 3 }]);
    expect(plan.rows[0]).toEqual({ topic: TOPIC, action: 'partitions-raised', details: 'partitions 1→3' });
  });

  it('should never lower partitions, and give the DLQ as many as its source has', () => {
    const plan = planTopicChanges(devSpecs, cluster({ [TOPIC]: observedAs(source, { partitions: 5 }), [DLQ]: observedAs(dlq) }));

    expect(plan.raisePartitions).toEqual([{ topic: DLQ, count: 5 }]);
    expect(plan.rows).toEqual([
      { topic: TOPIC, action: 'drift', details: 'partitions 5 (want 3; partitions are never lowered)' },
      { topic: DLQ, action: 'partitions-raised', details: 'partitions 3→5' },
    ]);
  });

  it('should create a missing DLQ with its existing source partition count', () => {
    const plan = planTopicChanges(devSpecs, cluster({ [TOPIC]: observedAs(source, { partitions: 8 }) }));

    expect(plan.create).toEqual([{ ...dlq, partitions: 8 }]);
  });

  it('should report config and replication drift without planning a change', () => {
    const drifted = observedAs(source, {
      replicationFactor: 2,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '604800000' },
    });

    const plan = planTopicChanges(devSpecs, cluster({ [TOPIC]: drifted, [DLQ]: observedAs(dlq) }, 3));

    expect(plan.create).toEqual([]);
    expect(plan.raisePartitions).toEqual([]);
    expect(plan.rows[0]).toEqual({
      topic: TOPIC,
      action: 'drift',
      details:
        'replication factor 2 (want 1); cleanup.policy compact (want delete); min.insync.replicas (unset) (want 1); ' +
        'retention.ms 604800000 (want 86400000)',
    });
  });

  it('should report both a raise and drift on the same topic', () => {
    const observed = observedAs(source, { partitions: 2, configs: { ...source.configs, 'retention.ms': '1000' } });

    const plan = planTopicChanges(devSpecs, cluster({ [TOPIC]: observed, [DLQ]: observedAs(dlq) }));

    expect(plan.rows.filter((row) => row.topic === TOPIC)).toEqual([
      { topic: TOPIC, action: 'partitions-raised', details: 'partitions 2→3' },
      { topic: TOPIC, action: 'drift', details: 'retention.ms 1000 (want 86400000)' },
    ]);
  });

  it('should refuse a profile whose replication factor exceeds the broker count', () => {
    const productionSpecs = topicSpecsFor(TOPIC_PROFILES.production, [TOPIC]);

    expect(() => planTopicChanges(productionSpecs, cluster({}, 1))).toThrow(
      new TopicProfileError('production', 3, 1),
    );
    expect(() => planTopicChanges(productionSpecs, cluster({}, 1))).toThrow(
      'production profile needs replication factor 3 but the cluster has 1 broker; use NODE_ENV=development locally',
    );
    expect(planTopicChanges(productionSpecs, cluster({}, 3)).create).toHaveLength(2);
  });
});
