import { randomUUID } from 'node:crypto';
import { Type } from 'avsc';
import { Kafka, type Admin } from 'kafkajs';
import {
  AVRO_SCHEMAS,
  ENVELOPE_FIELDS,
  EVENT_TYPES,
  TypedEventPublisher,
  buildEventRecord,
  eventIdForDelivery,
  type Environment,
  type EventDataByType,
  type EventType,
} from '@opal/contracts';
import { EventProducer, buildKafkaClientConfig } from '@opal/platform-kafka/standalone';
import { PayloadValidationError, SchemaRegistryClient, validatePayload } from '@opal/platform-schema-registry/client';
import { DEFAULT_CLIENT_ID, DEFAULT_HEALTH_TIMEOUT_MS } from './client.constants';
import { readProducerEnv } from './client.env';
import { EventValidationError } from './event-validation.error';
import type {
  ClusterProbe,
  DependencyHealth,
  OpalEventProducerOptions,
  ProducerDependencies,
  ProducerHealth,
  PublishOptions,
  PublishResult,
  RecordSink,
} from './opal-event.producer.types';

/** Parsed once per process: the bundled schemas are what every payload is checked against first. */
const LOCAL_TYPES = new Map(EVENT_TYPES.map((type) => [type, Type.forSchema(AVRO_SCHEMAS[type] as never)]));
const RESERVED_FIELDS: readonly string[] = ENVELOPE_FIELDS;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Rejects after `ms` unless `work` settles first. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function occurredAt(timestamp: PublishOptions['timestamp'], now: () => number): number {
  const value = timestamp instanceof Date ? timestamp.getTime() : (timestamp ?? now());
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`timestamp must be epoch milliseconds or a valid Date, got ${String(timestamp)}`);
  return value;
}

/** kafkajs admin that answers `describeCluster`, connected on first use. */
class AdminProbe implements ClusterProbe {
  private connected?: Promise<void>;

  constructor(private readonly admin: Admin) {}

  async probe(): Promise<void> {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    if (this.connected === undefined) return;
    this.connected = undefined;
    await this.admin.disconnect();
  }
}

/**
 * Publishes OPAL events straight to Kafka, exactly as the ingest gateway does: the payload is
 * validated against its Avro schema (the error names each field), wrapped in the envelope,
 * encoded through the Schema Registry in the Confluent wire format, keyed and headed like the
 * gateway's records (`buildEventRecord` of `@opal/contracts`), and produced with `acks=all` by
 * the idempotent, Snappy-compressing `EventProducer`. One typed method per event type
 * (`publishWorkflowStarted`, …) comes from the schemas.
 *
 * Construction does no I/O; `connect()` connects now (fail fast), else the first publish does.
 */
export class OpalEventProducer extends TypedEventPublisher<PublishOptions, PublishResult> {
  private readonly defaults: { environment: Environment; sourceSystem: string };
  private readonly deps: ProducerDependencies;
  private readonly healthTimeoutMs: number;
  private sink?: RecordSink;
  private probe?: ClusterProbe;
  private readonly counters = { published: 0, failed: 0, lastPublishedAt: null as number | null };

  /**
   * @param options explicit settings; whatever they leave out is read from `options.env` (default `process.env`).
   * @param dependencies replaces the Kafka, registry and clock collaborators (unit tests).
   * @throws InvalidEnvironmentError naming each bad variable, when the env is read and is invalid.
   */
  constructor(options: OpalEventProducerOptions = {}, dependencies: Partial<ProducerDependencies> = {}) {
    super();
    const fromEnv = readProducerEnv(options.env ?? process.env, options);
    const kafka = buildKafkaClientConfig(options.kafka ?? fromEnv.kafka, options.clientId ?? DEFAULT_CLIENT_ID);
    this.defaults = { environment: options.environment ?? fromEnv.environment, sourceSystem: options.sourceSystem ?? fromEnv.sourceSystem };
    this.healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    this.deps = {
      createSink: () => new EventProducer({ kafka, lingerMs: options.lingerMs, deliveryTimeoutMs: options.deliveryTimeoutMs }),
      encoder: dependencies.encoder ?? new SchemaRegistryClient(options.schemaRegistry ?? fromEnv.schemaRegistry),
      createProbe: () => new AdminProbe(new Kafka(kafka).admin()),
      now: Date.now,
      randomId: randomUUID,
      ...dependencies,
    };
  }

  /**
   * Connects to Kafka now instead of on the first publish.
   * @throws KafkaUnavailableError when the cluster cannot be reached.
   */
  async connect(): Promise<void> {
    await this.currentSink().connect();
  }

  /** Flushes what is queued, then closes every connection. A later publish or `connect` connects again. */
  async disconnect(): Promise<void> {
    const sink = this.sink;
    const probe = this.probe;
    this.sink = undefined;
    this.probe = undefined;
    await Promise.all([sink?.disconnect(), probe?.close()]);
  }

  /** Whether Kafka and the Schema Registry answer now, with the producer's counters. Never throws. */
  async healthCheck(): Promise<ProducerHealth> {
    this.probe ??= this.deps.createProbe();
    const check = async (work: () => Promise<void>, what: string): Promise<DependencyHealth> => {
      try {
        await within(work(), this.healthTimeoutMs, what);
        return { status: 'up' };
      } catch (error) {
        return { status: 'down', error: messageOf(error) };
      }
    };
    const probe = this.probe;
    const [kafka, schemaRegistry] = await Promise.all([
      check(() => probe.probe(), 'Kafka'),
      check(() => this.deps.encoder.ping(), 'The Schema Registry'),
    ]);
    return {
      status: kafka.status === 'up' && schemaRegistry.status === 'up' ? 'healthy' : 'unhealthy',
      details: {
        kafka,
        schemaRegistry,
        connected: this.sink !== undefined,
        eventsPublished: this.counters.published,
        publishFailures: this.counters.failed,
        lastPublishedAt: this.counters.lastPublishedAt,
      },
    };
  }

  /**
   * Publishes one event of `type` (the typed `publishX` methods call this).
   * @throws EventValidationError naming each offending field; nothing is produced.
   * @throws SchemaRegistryUnavailableError / UnknownSchemaError when the schema cannot be had now.
   * @throws KafkaUnavailableError / KafkaUnknownTopicError / KafkaProduceError when Kafka did not take it.
   */
  protected async publishEvent<T extends EventType>(type: T, data: EventDataByType[T], options: PublishOptions = {}): Promise<PublishResult> {
    try {
      const result = await this.produce(type, data as unknown as Record<string, unknown>, options);
      this.counters.published += 1;
      this.counters.lastPublishedAt = this.deps.now();
      return result;
    } catch (error) {
      this.counters.failed += 1;
      throw error;
    }
  }

  private async produce(type: EventType, data: Record<string, unknown>, options: PublishOptions): Promise<PublishResult> {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new EventValidationError(type, [{ path: '', message: 'expected an object with the event fields' }]);
    }
    const reserved = RESERVED_FIELDS.filter((field) => field in data);
    if (reserved.length > 0) {
      throw new EventValidationError(type, reserved.map((path) => ({ path, message: 'is set by the producer and must not be sent' })));
    }
    const record = buildEventRecord(type, data, {
      eventId: options.idempotencyKey !== undefined ? eventIdForDelivery(options.idempotencyKey) : this.deps.randomId(),
      correlationId: options.correlationId ?? this.deps.randomId(),
      occurredAt: occurredAt(options.timestamp, this.deps.now),
      environment: options.environment ?? this.defaults.environment,
      sourceSystem: options.source ?? this.defaults.sourceSystem,
      ...(options.traceparent !== undefined ? { traceparent: options.traceparent } : {}),
    });
    const errors = validatePayload(LOCAL_TYPES.get(type) as Type, record.payload);
    if (errors.length > 0) throw new EventValidationError(type, errors);
    let value: Buffer;
    try {
      value = await this.deps.encoder.encode(record.definition.subject, record.payload);
    } catch (error) {
      // The registered schema is stricter than the bundled one (a newer version): same error, same fields.
      if (error instanceof PayloadValidationError) throw new EventValidationError(type, error.errors, { cause: error });
      throw error;
    }
    const position = await this.currentSink().send({ topic: record.definition.topic, key: record.key, value, headers: record.headers });
    return { event_id: record.headers['event_id'] as string, topic: position.topic, partition: position.partition, offset: position.offset };
  }

  private currentSink(): RecordSink {
    this.sink ??= this.deps.createSink();
    return this.sink;
  }
}

let shared: OpalEventProducer | undefined;

/**
 * The process's one producer (the seed's `getOpalEventProducer()`), created on the first call from
 * `options` (or, without them, from the environment). Later calls return the same instance; a
 * later call with options throws rather than silently ignoring them.
 */
export function getOpalEventProducer(options?: OpalEventProducerOptions): OpalEventProducer {
  if (shared === undefined) {
    shared = new OpalEventProducer(options);
    return shared;
  }
  if (options !== undefined) throw new Error('getOpalEventProducer: the producer already exists; options are taken only by the first call');
  return shared;
}

/** Disconnects and forgets the shared producer, so the next `getOpalEventProducer` creates a new one. */
export async function resetOpalEventProducer(): Promise<void> {
  const current = shared;
  shared = undefined;
  await current?.disconnect();
}
