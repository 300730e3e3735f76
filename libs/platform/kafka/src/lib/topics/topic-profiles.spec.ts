import { TOPIC_CATALOGUE } from '@opal/contracts';
import type { DeploymentEnvironment } from '@opal/platform-config';
import { TOPIC_PROFILES, topicSpecsFor } from './topic-profiles';

const DAY_MS = 86_400_000;

describe(topicSpecsFor.name, () => {
  it.each<[DeploymentEnvironment, number, number, number, string]>([
    ['development', 3, 1, DAY_MS, '1'],
    ['staging', 6, 3, 3 * DAY_MS, '2'],
    ['production', 12, 3, 7 * DAY_MS, '2'],
  ])('should size %s source topics with %i partitions, RF %i, retention %i ms, min ISR %s', (environment, partitions, rf, retentionMs, minIsr) => {
    const sources = topicSpecsFor(TOPIC_PROFILES[environment]).filter((spec) => spec.dlqOf === undefined);

    expect(sources).toHaveLength(TOPIC_CATALOGUE.length);
    for (const spec of sources) {
      expect(spec).toMatchObject({ environment, partitions, replicationFactor: rf });
      expect(spec.configs).toEqual({
        'cleanup.policy': 'delete',
        'min.insync.replicas': minIsr,
        'retention.ms': String(retentionMs),
      });
    }
  });

  it.each<DeploymentEnvironment>(['development', 'staging', 'production'])(
    'should follow each %s topic with a .dlq twin of the same size kept 14 days',
    (environment) => {
      const specs = topicSpecsFor(TOPIC_PROFILES[environment]);

      expect(specs).toHaveLength(2 * TOPIC_CATALOGUE.length);
      TOPIC_CATALOGUE.forEach((definition, index) => {
        const source = specs[2 * index];
        const dlq = specs[2 * index + 1];
        expect(source?.topic).toBe(definition.topic);
        expect(dlq?.topic).toBe(definition.dlqTopic);
        expect(dlq?.dlqOf).toBe(definition.topic);
        expect(dlq?.partitions).toBe(source?.partitions);
        expect(dlq?.replicationFactor).toBe(source?.replicationFactor);
        expect(dlq?.configs['min.insync.replicas']).toBe(source?.configs['min.insync.replicas']);
        expect(dlq?.configs['retention.ms']).toBe(String(14 * DAY_MS));
      });
    },
  );

  it('should require two in-sync replicas only where the replication factor is 3', () => {
    for (const profile of Object.values(TOPIC_PROFILES)) {
      const expected = profile.replicationFactor === 3 ? '2' : '1';
      for (const spec of topicSpecsFor(profile)) expect(spec.configs['min.insync.replicas']).toBe(expected);
    }
  });

  it('should size the given topic names instead of the catalogue', () => {
    const specs = topicSpecsFor(TOPIC_PROFILES.staging, ['it.run1.opal.workflow.started']);

    expect(specs.map((spec) => spec.topic)).toEqual(['it.run1.opal.workflow.started', 'it.run1.opal.workflow.started.dlq']);
    expect(specs.map((spec) => spec.partitions)).toEqual([6, 6]);
  });
});
