import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { KafkaUnavailableError } from './event-producer.errors';
import type { EventRecord, RecordPosition } from './event-producer.types';

/** A record whose partition has been chosen. */
export interface PartitionedRecord extends EventRecord {
  partition: number;
}

/**
 * One `sendBatch` call built from partitioned records, and the arithmetic that turns the broker's
 * per-partition acknowledgements into per-record offsets.
 *
 * kafkajs groups a batch's messages by partition in their given order and sends one record batch
 * per partition, which the broker appends contiguously: the record at position i among the
 * batch's records for partition p is stored at `baseOffset(p) + i`.
 */
export class ProduceBatch {
  readonly topicMessages: TopicMessages[];
  /** For each record, its position among this batch's records for the same topic and partition. */
  private readonly indexInPartition: number[] = [];

  constructor(private readonly records: readonly PartitionedRecord[]) {
    const messagesByTopic = new Map<string, Message[]>();
    const countsByTopic = new Map<string, Map<number, number>>();
    for (const { topic, partition, key, value, headers } of records) {
      let messages = messagesByTopic.get(topic);
      let counts = countsByTopic.get(topic);
      if (messages === undefined || counts === undefined) {
        messages = [];
        counts = new Map();
        messagesByTopic.set(topic, messages);
        countsByTopic.set(topic, counts);
      }
      const index = counts.get(partition) ?? 0;
      counts.set(partition, index + 1);
      this.indexInPartition.push(index);
      messages.push({ key, value, headers: { ...headers }, partition });
    }
    this.topicMessages = [...messagesByTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Each record's position, in record order, from the acknowledgements `sendBatch` returned; a
   * record whose partition was not acknowledged gets a `KafkaUnavailableError` instead.
   *
   * Unacknowledged is transient, not a refusal: on the three-broker cluster, kafkajs 2.2.4 resolved
   * `sendBatch` without a partition whose leader moved mid-batch to a broker that had already
   * answered for other partitions (the cluster tests' rolling restart). The write was never
   * confirmed, so the caller's retry (a 503 for the gateway's sender) is what gets it stored.
   */
  positions(acks: readonly RecordMetadata[]): Array<RecordPosition | KafkaUnavailableError> {
    const baseOffsets = new Map<string, Map<number, bigint>>();
    for (const ack of acks) {
      const base = ack.baseOffset ?? ack.offset;
      if (ack.errorCode !== 0 || base === undefined) continue;
      const byPartition = baseOffsets.get(ack.topicName) ?? new Map<number, bigint>();
      byPartition.set(ack.partition, BigInt(base));
      baseOffsets.set(ack.topicName, byPartition);
    }
    return this.records.map(({ topic, partition }, i) => {
      const base = baseOffsets.get(topic)?.get(partition);
      if (base === undefined)
        return new KafkaUnavailableError(`Kafka did not confirm the write to ${topic}[${partition}]; retry it`);
      return { topic, partition, offset: (base + BigInt(this.indexInPartition[i] as number)).toString() };
    });
  }
}
