import { Partitioners } from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';

/**
 * Picks a keyed record's partition exactly as kafkajs's `DefaultPartitioner` would (murmur2 of
 * the key modulo the partition count, the Java client's formula), by calling that partitioner.
 * Choosing the partition before sending is what lets each record learn its own offset.
 */
export class KeyPartitioner {
  private readonly partitioner = Partitioners.DefaultPartitioner();

  partition(topic: string, key: string, partitions: PartitionMetadata[]): number {
    return this.partitioner({ topic, partitionMetadata: partitions, message: { key, value: null } });
  }
}
