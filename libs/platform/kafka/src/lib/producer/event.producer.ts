import { Kafka, Partitioners } from 'kafkajs';
import type { AdminConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_METADATA_MAX_AGE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY,
  DEFAULT_UNKNOWN_TOPIC_MAX_AGE_MS,
  MAX_IN_FLIGHT_REQUESTS_LIMIT,
} from '../kafka.constants';
import { KafkaProduceError, KafkaUnavailableError, KafkaUnknownTopicError } from './event-producer.errors';
import type {
  EventProducerOptions,
  EventProducerStats,
  EventRecord,
  KafkaClientLike,
  ProducedHook,
  ProducerRetryOptions,
  RecordPosition,
} from './event-producer.types';
import { toEventProducerError } from './kafka-error.classifier';
import { KeyPartitioner } from './key.partitioner';
import { PendingRecord } from './pending-record';
import { ProduceBatch } from './produce.batch';
import type { PartitionedRecord } from './produce.batch';
import { ProducerSession } from './producer.session';
import { PRODUCER_COMPRESSION } from './snappy.codec';
import { RecordAccumulator } from './record.accumulator';
import { TopicPartitionsCache } from './topic-partitions.cache';

interface Settings {
  maxBatchSize: number;
  maxBatchBytes: number;
  lingerMs: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retry: ProducerRetryOptions;
  maxInFlightRequests: number;
  metadataMaxAgeMs: number;
  unknownTopicMaxAgeMs: number;
  onProduced?: ProducedHook;
}

function isClient(kafka: KafkaConfig | KafkaClientLike): kafka is KafkaClientLike {
  return typeof (kafka as Partial<KafkaClientLike>).producer === 'function';
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

function resolveSettings(options: EventProducerOptions): Settings {
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  if (!Number.isFinite(lingerMs) || lingerMs < 0) throw new RangeError(`lingerMs must be 0 or more, got ${lingerMs}`);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  positiveInteger('retry.retries', retry.retries ?? 0);
  return {
    maxBatchSize: positiveInteger('maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
    maxBatchBytes: positiveInteger('maxBatchBytes', options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES),
    lingerMs,
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    deliveryTimeoutMs: positiveInteger('deliveryTimeoutMs', options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS),
    retry,
    maxInFlightRequests: positiveInteger(
      'maxInFlightRequests',
      options.maxInFlightRequests ?? MAX_IN_FLIGHT_REQUESTS_LIMIT,
      MAX_IN_FLIGHT_REQUESTS_LIMIT,
    ),
    metadataMaxAgeMs: positiveInteger('metadataMaxAgeMs', options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS),
    unknownTopicMaxAgeMs: positiveInteger(
      'unknownTopicMaxAgeMs',
      options.unknownTopicMaxAgeMs ?? DEFAULT_UNKNOWN_TOPIC_MAX_AGE_MS,
    ),
    onProduced: options.onProduced,
  };
}

function invalidRecordReason(record: EventRecord): string | undefined {
  if (typeof record.topic !== 'string' || record.topic.length === 0) return 'topic must be a non-empty string';
  if (record.partition !== undefined && !(Number.isInteger(record.partition) && record.partition >= 0))
    return 'partition must be an integer >= 0';
  if (typeof record.key !== 'string' && !(record.key === null && record.partition !== undefined))
    return 'key must be a string (or null with an explicit partition)';
  if (!Buffer.isBuffer(record.value)) return 'value must be a Buffer';
  if (typeof record.headers !== 'object' || record.headers === null) return 'headers must be an object';
  const badHeader = Object.entries(record.headers).find(([, value]) => typeof value !== 'string');
  return badHeader === undefined ? undefined : `header "${badHeader[0]}" must be a string`;
}

/** A record with its partition chosen, and the caller waiting for it. */
interface Planned {
  pending: PendingRecord;
  record: PartitionedRecord;
}

/**
 * Produces events to Kafka in batches and tells every caller where its own record landed.
 *
 * `send` queues the record; the queue is flushed when `maxBatchSize` records (or `maxBatchBytes`)
 * are waiting or `lingerMs` after the oldest arrived, whichever comes first, with one kafkajs
 * `sendBatch` per partition leader (so one broker's failure fails only the records it leads).
 * One flush is in flight at a time: records arriving meanwhile form the next batch, which goes as
 * soon as that flush ends, so batches grow with load while an idle producer adds at most
 * `lingerMs` of latency. (kafkajs's
 * idempotent producer serialises produce requests per broker anyway, so pipelining would only
 * queue inside kafkajs, and one flight at a time keeps per-key order across a failed batch.)
 *
 * Writes are idempotent, acknowledged by all in-sync replicas (`acks=-1`), Snappy-compressed (`snappy.codec.ts`),
 * retried with backoff, and never create topics. Each record's partition is chosen before sending
 * with kafkajs's default partitioner (murmur2 of the key, as the Java client), so its offset is the
 * partition's acknowledged base offset plus its index among the batch's records for that partition.
 *
 * Every caller gets its own outcome: a `RecordPosition`, `KafkaUnknownTopicError` for a topic that
 * does not exist (only that record fails), `KafkaUnavailableError` when Kafka is unreachable, slow
 * or short of replicas, or did not acknowledge within `deliveryTimeoutMs`, and `KafkaProduceError`
 * for anything else. After a failed write the next flush reconnects with a new kafkajs producer,
 * so the producer recovers by itself when the cluster is back.
 *
 * Construction does no I/O; the first `send` (or `connect`) connects. `disconnect` flushes what
 * is queued before closing. Works standalone (`@opal/platform-kafka/standalone`); `EventProducerModule`
 * provides it to Nest apps.
 */
export class EventProducer {
  private readonly settings: Settings;
  private readonly client: KafkaClientLike;
  private readonly sessionConfig: { producer: ProducerConfig; admin: AdminConfig };
  private readonly queue: RecordAccumulator;
  private readonly partitioner = new KeyPartitioner();
  private readonly topics: TopicPartitionsCache;
  private readonly counters = { batches: 0, batchedRecords: 0, failedBatches: 0 };
  private session?: ProducerSession;
  /** Sessions retired after a failure, until their background close completes. */
  private readonly retiring = new Set<Promise<void>>();
  private flushing?: Promise<void>;
  /** Cancels the pending linger wait (a timer, or an immediate when there is nothing to wait for). */
  private cancelLinger?: () => void;
  private accepting = true;
  private closing?: Promise<void>;

  constructor(options: EventProducerOptions) {
    const settings = resolveSettings(options);
    this.settings = settings;
    this.client = isClient(options.kafka)
      ? options.kafka
      : new Kafka({ ...options.kafka, requestTimeout: settings.requestTimeoutMs, retry: settings.retry });
    this.sessionConfig = {
      producer: {
        idempotent: true,
        maxInFlightRequests: settings.maxInFlightRequests,
        allowAutoTopicCreation: false,
        retry: settings.retry,
        metadataMaxAge: settings.metadataMaxAgeMs,
        createPartitioner: Partitioners.DefaultPartitioner,
      },
      admin: { retry: settings.retry },
    };
    this.queue = new RecordAccumulator({ maxRecords: settings.maxBatchSize, maxBytes: settings.maxBatchBytes });
    this.topics = new TopicPartitionsCache({
      maxAgeMs: settings.metadataMaxAgeMs,
      unknownTopicMaxAgeMs: settings.unknownTopicMaxAgeMs,
    });
  }

  /**
   * Connects now instead of on the first `send` (e.g. at start-up, to fail fast or warm up).
   * @throws KafkaUnavailableError when the cluster cannot be reached or the producer is shut down.
   */
  async connect(): Promise<void> {
    if (!this.accepting) throw new KafkaUnavailableError('The Kafka producer is shut down');
    const session = this.currentSession();
    try {
      await session.ready();
    } catch (error) {
      this.retire(session);
      throw toEventProducerError(error);
    }
  }

  /**
   * Queues one record and resolves with its partition and offset once the broker acknowledged its
   * batch with `acks=all`. Records sent with the same key land on one partition in call order.
   * @throws KafkaUnavailableError when Kafka is unreachable, short of in-sync replicas, did not
   * acknowledge within `deliveryTimeoutMs`, or the producer is shutting down.
   * @throws KafkaUnknownTopicError when the topic does not exist.
   * @throws KafkaProduceError when Kafka refused the write for another reason, or the record is malformed.
   */
  send(record: EventRecord): Promise<RecordPosition> {
    if (!this.accepting) return Promise.reject(new KafkaUnavailableError('The Kafka producer is shut down'));
    const invalid = invalidRecordReason(record);
    if (invalid !== undefined) return Promise.reject(new KafkaProduceError(`Invalid record: ${invalid}`));
    const pending = new PendingRecord(record, this.settings.deliveryTimeoutMs, this.settings.onProduced);
    this.queue.push(pending);
    this.schedule();
    return pending.promise;
  }

  /**
   * Stops accepting records, flushes every queued one (each caller still gets its outcome, within
   * its `deliveryTimeoutMs`), then closes every connection, including those of sessions retired
   * after a failure once their last request ended. Safe to call more than once.
   */
  disconnect(): Promise<void> {
    this.accepting = false;
    this.closing ??= this.drainAndClose();
    return this.closing;
  }

  /**
   * Nest's shutdown hook (found by name, so this file needs no Nest import): after the HTTP server
   * stopped taking requests, flush, then close.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  /** Counters for tests, benchmarks and debugging; `batches` counts `sendBatch` calls. */
  stats(): EventProducerStats {
    return { ...this.counters, queued: this.queue.size };
  }

  /**
   * `afterFlight`: the queued records arrived while a flush was in flight. That flight was their
   * linger: it gathered them into a batch, so they go at the end of this turn. Lingering again
   * would only idle the connection between flights; under load, where every batch forms behind
   * one, a 5 ms linger cost the gateway about a quarter of its throughput.
   */
  private schedule(afterFlight = false): void {
    if (this.flushing !== undefined || this.queue.size === 0) return;
    if (!this.accepting || this.queue.isFull()) {
      this.startFlush();
      return;
    }
    if (this.cancelLinger !== undefined) return;
    const oldest = this.queue.oldestEnqueuedAt ?? Date.now();
    const wait = afterFlight ? 0 : Math.max(0, oldest + this.settings.lingerMs - Date.now());
    const flush = () => {
      this.cancelLinger = undefined;
      this.startFlush();
    };
    // A timer cannot fire sooner than 1 ms; setImmediate still gathers every record of this
    // event-loop turn (all requests parsed from one read) into the batch without that delay.
    if (wait === 0) {
      const immediate = setImmediate(flush);
      this.cancelLinger = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(flush, wait);
      this.cancelLinger = () => clearTimeout(timer);
    }
  }

  private startFlush(): void {
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    if (this.flushing !== undefined) return;
    const batch = this.queue.take();
    if (batch.length === 0) return;
    this.flushing = this.deliver(batch).finally(() => {
      this.flushing = undefined;
      this.schedule(true);
    });
  }

  private async drainAndClose(): Promise<void> {
    while (this.flushing !== undefined || this.queue.size > 0) {
      if (this.flushing === undefined) this.startFlush();
      await this.flushing;
    }
    const session = this.session;
    this.session = undefined;
    await Promise.all([session?.close(), ...this.retiring]);
  }

  /**
   * Writes one batch, but gives up waiting once every record in it is past its deadline (the
   * records have failed by then): the write is left to finish in the background on a retired
   * session, and the next batch goes out on a new one instead of queueing behind a stuck request.
   */
  private async deliver(batch: PendingRecord[]): Promise<void> {
    const session = this.currentSession();
    const work = this.produce(session, batch);
    const lastDeadline = Math.max(...batch.map((record) => record.deadline));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, lastDeadline - Date.now()));
    });
    const outcome = await Promise.race([work.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      const timeout = new KafkaUnavailableError(
        `Kafka did not acknowledge the record within ${this.settings.deliveryTimeoutMs} ms`,
      );
      for (const record of batch) record.fail(timeout);
      this.retire(session, work);
    }
  }

  /**
   * Never rejects: every failure is delivered to the records it concerns. The batch goes out as one
   * `sendBatch` per partition leader, concurrently: kafkajs fails a whole `sendBatch` when one
   * broker's part of it fails, so on a cluster one dead broker would otherwise fail the records of
   * every healthy one too (and some of those were written: their retries become duplicates).
   */
  private async produce(session: ProducerSession, batch: PendingRecord[]): Promise<void> {
    let byLeader: Map<number, Planned[]>;
    try {
      await session.ready();
      const live = batch.filter((record) => !record.settled);
      const partitions = await this.topics.lookup(
        live.map(({ record }) => record.topic),
        (topic) => session.partitionsOf(topic),
      );
      byLeader = new Map();
      for (const pending of live) {
        const { topic, key } = pending.record;
        const topicPartitions = partitions.get(topic);
        if (topicPartitions === undefined) {
          pending.fail(new KafkaUnknownTopicError(topic));
          continue;
        }
        if (pending.settled) continue;
        const { partition: explicit } = pending.record;
        if (explicit !== undefined && explicit >= topicPartitions.length) {
          pending.fail(new KafkaProduceError(`${topic} has no partition ${explicit}`));
          continue;
        }
        const partition = explicit ?? this.partitioner.partition(topic, key ?? '', topicPartitions);
        // A stale leader only changes how records are grouped: kafkajs routes each one itself.
        const leader = topicPartitions.find((p) => p.partitionId === partition)?.leader ?? -1;
        const group = byLeader.get(leader) ?? [];
        group.push({ pending, record: { ...pending.record, partition } });
        byLeader.set(leader, group);
      }
    } catch (error) {
      const failure = toEventProducerError(error);
      for (const record of batch) record.fail(failure);
      this.retire(session);
      return;
    }
    const failed = await Promise.all([...byLeader.values()].map((planned) => this.sendToLeader(session, planned)));
    if (failed.some(Boolean)) this.retire(session);
  }

  /** One `sendBatch` of records whose partitions share a leader; true when it failed. */
  private async sendToLeader(session: ProducerSession, planned: Planned[]): Promise<boolean> {
    const sent = new ProduceBatch(planned.map(({ record }) => record));
    this.counters.batches += 1;
    this.counters.batchedRecords += sent.size;
    try {
      const acks = await session.producer.sendBatch({
        topicMessages: sent.topicMessages,
        acks: -1,
        timeout: this.settings.requestTimeoutMs,
        compression: PRODUCER_COMPRESSION,
      });
      sent.positions(acks).forEach((position, i) => {
        const { pending } = planned[i] as Planned;
        if (position instanceof KafkaUnavailableError) pending.fail(position);
        else pending.succeed(position);
      });
      return false;
    } catch (error) {
      const failure = toEventProducerError(error);
      for (const { pending } of planned) pending.fail(failure);
      this.counters.failedBatches += 1;
      this.topics.invalidate(sent.topicMessages.map(({ topic }) => topic));
      return true;
    }
  }

  private currentSession(): ProducerSession {
    this.session ??= new ProducerSession(this.client, this.sessionConfig);
    return this.session;
  }

  /** Takes a failed session out of use and closes it in the background, after `inFlight` settles. */
  private retire(session: ProducerSession, inFlight?: Promise<unknown>): void {
    if (this.session === session) this.session = undefined;
    const closing = session.close(inFlight);
    if (this.retiring.has(closing)) return;
    this.retiring.add(closing);
    void closing.then(() => this.retiring.delete(closing));
  }
}
