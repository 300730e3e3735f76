import { Partitioners } from 'kafkajs';
import { KeyPartitioner } from './key.partitioner';
import { partitionMetadata } from '../../../test/fakes/fake-kafka';

const partitions = partitionMetadata;

describe(KeyPartitioner.name, () => {
  describe('partition', () => {
    it('should pick the partition kafkajs DefaultPartitioner picks, for any key and partition count', () => {
      const reference = Partitioners.DefaultPartitioner();
      const partitioner = new KeyPartitioner();
      for (const count of [1, 3, 6, 12, 50]) {
        for (let i = 0; i < 300; i++) {
          const key = i % 3 === 0 ? `workflow-${i}` : `${i * 2654435761}-ü-${i}`;
          expect(partitioner.partition('t', key, partitions(count))).toBe(
            reference({ topic: 't', partitionMetadata: partitions(count), message: { key, value: null } }),
          );
        }
      }
    });

    it('should agree with the Java client (murmur2 test vectors of Kafka’s UtilsTest)', () => {
      const partitioner = new KeyPartitioner();
      // murmur2("foobar") = -790332482, murmur2("a-little-bit-long-string") = -985981536; partition = (hash & 0x7fffffff) % 12
      expect(partitioner.partition('t', 'foobar', partitions(12))).toBe((-790332482 & 0x7fffffff) % 12);
      expect(partitioner.partition('t', 'a-little-bit-long-string', partitions(12))).toBe(
        (-985981536 & 0x7fffffff) % 12,
      );
    });

    it('should ignore partition leadership for keyed records, like Java', () => {
      const partitioner = new KeyPartitioner();
      const leaderless = partitions(6).map((partition) => ({ ...partition, leader: -1 }));

      expect(partitioner.partition('t', 'foobar', leaderless)).toBe(
        partitioner.partition('t', 'foobar', partitions(6)),
      );
    });
  });
});
