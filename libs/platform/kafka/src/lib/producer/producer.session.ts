import type { AdminConfig, PartitionMetadata, ProducerConfig } from 'kafkajs';
import type { KafkaClientLike, MetadataAdmin, ProducerClient } from './event-producer.types';
import { isUnknownTopicError } from './kafka-error.classifier';

/**
 * One kafkajs producer and one admin (for topic metadata), connected together once and closed
 * together once. After any failed write the event producer retires its session and opens a new
 * one: a new producer id means fresh idempotence sequence numbers, so nothing that happened to
 * the failed batch can make the broker misread the next one as a duplicate.
 */
export class ProducerSession {
  readonly producer: ProducerClient;
  readonly admin: MetadataAdmin;
  private connecting?: Promise<void>;
  /** Each client's own connection attempt: closing waits for both, not just the first to fail. */
  private attempts: Array<Promise<void>> = [];
  private closing?: Promise<void>;

  constructor(client: KafkaClientLike, config: { producer: ProducerConfig; admin: AdminConfig }) {
    this.producer = client.producer(config.producer);
    this.admin = client.admin(config.admin);
  }

  /** Connects the producer (which also obtains its producer id) and the admin, on first call only. */
  ready(): Promise<void> {
    if (this.connecting === undefined) {
      this.attempts = [this.producer.connect(), this.admin.connect()];
      this.connecting = Promise.all(this.attempts).then(() => undefined);
    }
    return this.connecting;
  }

  /** The topic's partitions, or `undefined` when the topic does not exist. */
  async partitionsOf(topic: string): Promise<PartitionMetadata[] | undefined> {
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      return topics.find((metadata) => metadata.name === topic)?.partitions;
    } catch (error) {
      if (isUnknownTopicError(error)) return undefined;
      throw error;
    }
  }

  /**
   * Disconnects both clients once `inFlight` (a write still running in the background) and any
   * connection attempt have settled. Never rejects.
   */
  close(inFlight?: Promise<unknown>): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([inFlight, ...this.attempts]);
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    })();
    return this.closing;
  }
}
