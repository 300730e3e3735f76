import type { Admin, AdminConfig, KafkaConfig, Producer, ProducerConfig, RetryOptions } from 'kafkajs';

/** One event to produce: the key picks the partition, value and headers travel unchanged. */
export interface EventRecord {
  topic: string;
  /** Chooses the partition (murmur2, like the Java client) unless `partition` is given; `null` only with `partition`. */
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Writes to this partition instead of the key's (a dead letter keeps its source partition). */
  partition?: number;
}

/** Where Kafka stored a record, acknowledged by all in-sync replicas (`acks=all`). */
export interface RecordPosition {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit, so this is a decimal string (as in kafkajs). */
  offset: string;
}

export type ProduceResult = 'success' | 'failure';

/** Called once per record when its `send` settles; the duration runs from `send` to the outcome. */
export type ProducedHook = (topic: string, result: ProduceResult, durationSeconds: number) => void;

/** The kafkajs producer calls the event producer makes. */
export type ProducerClient = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

/** The kafkajs admin calls the event producer makes (topic metadata only). */
export type MetadataAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicMetadata'>;

/** A kafkajs `Kafka` instance, or anything that makes producers and admins like one. */
export interface KafkaClientLike {
  producer(config?: ProducerConfig): ProducerClient;
  admin(config?: AdminConfig): MetadataAdmin;
}

/** kafkajs backoff settings for one request; `retries` counts attempts after the first and must be ≥ 1. */
export type ProducerRetryOptions = Pick<
  RetryOptions,
  'retries' | 'initialRetryTime' | 'maxRetryTime' | 'factor' | 'multiplier'
>;

export interface EventProducerOptions {
  /**
   * A kafkajs client config (e.g. from `buildKafkaClientConfig`), or a ready `Kafka` instance.
   * From a config the producer builds its own client, with `requestTimeout` and `retry` taken from
   * these options; a given instance is used as it is.
   */
  kafka: KafkaConfig | KafkaClientLike;
  /** Flush as soon as this many records are waiting (default 500). */
  maxBatchSize?: number;
  /** Flush as soon as the waiting records' keys, values and headers reach this many bytes (default 1 000 000). */
  maxBatchBytes?: number;
  /** Flush this long after the first waiting record arrived, if no size limit was reached first (default 5). */
  lingerMs?: number;
  /** How long the broker may take to replicate a write (acks=all), and kafkajs's per-request deadline (default 3000). */
  requestTimeoutMs?: number;
  /**
   * Upper bound from `send` to its outcome (default 5000). A record not acknowledged by then
   * rejects with `KafkaUnavailableError`; one still queued is then never sent.
   */
  deliveryTimeoutMs?: number;
  /** kafkajs retries with exponential backoff, for connecting and for each batch (default 3 retries from 100 ms, at most 1 s apart). */
  retry?: ProducerRetryOptions;
  /** Produce requests in flight per broker connection, at most 5 (idempotence; default 5). */
  maxInFlightRequests?: number;
  /** How long a topic's partition list is trusted before it is fetched again (default 300 000). */
  metadataMaxAgeMs?: number;
  /** How long "this topic does not exist" is remembered (default 1000). */
  unknownTopicMaxAgeMs?: number;
  /** Metrics hook: one call per record. Exceptions thrown by it are ignored. */
  onProduced?: ProducedHook;
}

/** Counters since construction; `batches` is the number of `sendBatch` calls. */
export interface EventProducerStats {
  batches: number;
  batchedRecords: number;
  failedBatches: number;
  queued: number;
}
