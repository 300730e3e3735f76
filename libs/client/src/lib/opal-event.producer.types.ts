import type { Environment } from '@opal/contracts';
import type { KafkaConnectionConfig, EnvSource } from '@opal/platform-config';
import type { EventRecord, RecordPosition } from '@opal/platform-kafka/standalone';
import type { SchemaRegistryClientOptions } from '@opal/platform-schema-registry/client';

/** How one event is enveloped; everything left out is decided by the producer. */
export interface PublishOptions {
  /** The request chain this event belongs to (default: a new UUID). */
  correlationId?: string;
  /** When the event occurred, epoch ms or a Date (default: now). */
  timestamp?: number | Date;
  /** The envelope's `source_system` (default: `SOURCE_SYSTEM`, else `opal`). */
  source?: string;
  /** The envelope's `environment` (default: the producer's, from `NODE_ENV`). */
  environment?: Environment;
  /**
   * Makes `event_id` deterministic: the same key always gives the same id (the gateway's UUID v5
   * of a webhook delivery id), so a retried publish is recognised downstream as the same event.
   * Without it the event gets a random UUID.
   */
  idempotencyKey?: string;
  /** A W3C `traceparent` to pass on as a record header (dropped when malformed). */
  traceparent?: string;
}

/** Where the event landed, acknowledged by all in-sync replicas (`acks=all`). */
export interface PublishResult {
  event_id: string;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: a decimal string. */
  offset: string;
}

export interface OpalEventProducerOptions {
  /** Brokers, TLS and SASL (default: `KAFKA_BROKERS`, `KAFKA_SSL`, `KAFKA_SSL_CA_FILE`, `KAFKA_USERNAME`, `KAFKA_PASSWORD`, `KAFKA_SASL_MECHANISM`). */
  kafka?: KafkaConnectionConfig;
  /** The registry's Confluent-compatible URL and basic auth (default: `SCHEMA_REGISTRY_URL`, `SCHEMA_REGISTRY_USERNAME`, `SCHEMA_REGISTRY_PASSWORD`). */
  schemaRegistry?: SchemaRegistryClientOptions;
  /** The envelope's default `environment` (default: `NODE_ENV`, else `development`). */
  environment?: Environment;
  /** The envelope's default `source_system` (default: `SOURCE_SYSTEM`, else `opal`). */
  sourceSystem?: string;
  /** kafkajs client id (default `opal-events-client`). */
  clientId?: string;
  /** Where unset options are read from (default `process.env`); pass `{}` to read nothing. */
  env?: EnvSource;
  /** Batching: flush this long after the first waiting record (default 5 ms). */
  lingerMs?: number;
  /** Upper bound from publish to Kafka's acknowledgement (default 5000 ms). */
  deliveryTimeoutMs?: number;
  /** How long `healthCheck` waits for each dependency (default 5000 ms). */
  healthTimeoutMs?: number;
}

/** What `healthCheck` reports; `status` is `healthy` only when Kafka and the registry both answered. */
export interface ProducerHealth {
  status: 'healthy' | 'unhealthy';
  details: {
    kafka: DependencyHealth;
    schemaRegistry: DependencyHealth;
    connected: boolean;
    eventsPublished: number;
    publishFailures: number;
    /** Epoch ms of the last acknowledged publish, or null. */
    lastPublishedAt: number | null;
  };
}

export type DependencyHealth = { status: 'up' } | { status: 'down'; error: string };

/** The Kafka side of the producer: `EventProducer` (acks=all, idempotent, Snappy), or a fake in unit tests. */
export interface RecordSink {
  connect(): Promise<void>;
  send(record: EventRecord): Promise<RecordPosition>;
  disconnect(): Promise<void>;
}

/** The registry side: Confluent wire-format encoding and a liveness call. */
export interface EventEncoder {
  encode(subject: string, payload: unknown): Promise<Buffer>;
  ping(): Promise<void>;
}

/** Answers when the Kafka cluster does (for `healthCheck`). */
export interface ClusterProbe {
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** The collaborators the producer builds from its options; unit tests pass fakes. */
export interface ProducerDependencies {
  createSink(): RecordSink;
  encoder: EventEncoder;
  createProbe(): ClusterProbe;
  now(): number;
  randomId(): string;
}
