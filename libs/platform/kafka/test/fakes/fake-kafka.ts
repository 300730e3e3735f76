import type { AdminConfig, PartitionMetadata, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import type { KafkaClientLike, MetadataAdmin, ProducerClient } from '../../src';

/** What a fake `sendBatch` does with one call: by default it appends to the fake log. */
export type SendBatchBehaviour = (
  batch: ProducerBatch,
  appendToLog: (batch: ProducerBatch) => RecordMetadata[],
) => Promise<RecordMetadata[]>;

/** The error kafkajs throws when a topic does not exist. */
export function unknownTopicError(): Error {
  return Object.assign(new Error('This server does not host this topic-partition'), {
    name: 'KafkaJSProtocolError',
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
  });
}

/** The error kafkajs throws when it cannot open a socket to any broker. */
export function connectionRefusedError(): Error {
  const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9'), {
    name: 'KafkaJSConnectionError',
    code: 'ECONNREFUSED',
  });
  return Object.assign(new Error(refused.message), {
    name: 'KafkaJSNumberOfRetriesExceeded',
    retriable: false,
    cause: refused,
  });
}

/** A promise with its settle functions, to hold a fake call open until the test releases it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Metadata of `count` healthy partitions, led by broker 1 unless `leaderOf` says otherwise. */
export function partitionMetadata(
  count: number,
  leaderOf: (partition: number) => number = () => 1,
): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderOf(partitionId),
    replicas: [leaderOf(partitionId)],
    isr: [leaderOf(partitionId)],
    offlineReplicas: [],
  }));
}

export class FakeProducer implements ProducerClient {
  readonly calls: ProducerBatch[] = [];
  connected = false;
  disconnectCalls = 0;

  constructor(
    private readonly kafka: FakeKafka,
    readonly config: ProducerConfig | undefined,
  ) {}

  async connect(): Promise<void> {
    const failure = this.kafka.connectFailures.shift();
    if (failure !== undefined) throw failure;
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.disconnectCalls += 1;
    this.connected = false;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.calls.push(batch);
    this.kafka.sendBatchCalls.push(batch);
    const behaviour = this.kafka.sendBatchBehaviours.shift();
    return behaviour === undefined ? this.kafka.append(batch) : behaviour(batch, (b) => this.kafka.append(b));
  }
}

export class FakeAdmin implements MetadataAdmin {
  fetches: string[][] = [];
  disconnectCalls = 0;

  constructor(
    private readonly kafka: FakeKafka,
    readonly config: AdminConfig | undefined,
  ) {}

  async connect(): Promise<void> {
    const failure = this.kafka.connectFailures.shift();
    if (failure !== undefined) throw failure;
  }

  async disconnect(): Promise<void> {
    this.disconnectCalls += 1;
  }

  async fetchTopicMetadata(options?: {
    topics: string[];
  }): Promise<{ topics: Array<{ name: string; partitions: PartitionMetadata[] }> }> {
    const topics = options?.topics ?? [];
    this.fetches.push(topics);
    const failure = this.kafka.metadataFailures.shift();
    if (failure !== undefined) throw failure;
    return {
      topics: topics.map((name) => {
        const count = this.kafka.topics.get(name);
        if (count === undefined) throw unknownTopicError();
        return { name, partitions: partitionMetadata(count, (partition) => this.kafka.leaderOf(name, partition)) };
      }),
    };
  }
}

/**
 * A kafkajs stand-in for unit tests: topics with partition counts, a log that hands out offsets
 * per partition the way a broker does, and queues of scripted failures and `sendBatch` behaviours.
 */
export class FakeKafka implements KafkaClientLike {
  readonly producers: FakeProducer[] = [];
  readonly admins: FakeAdmin[] = [];
  readonly sendBatchCalls: ProducerBatch[] = [];
  readonly sendBatchBehaviours: SendBatchBehaviour[] = [];
  readonly connectFailures: Error[] = [];
  readonly metadataFailures: Error[] = [];
  /** Next offset per `topic/partition`. */
  readonly nextOffsets = new Map<string, bigint>();

  /** Which broker leads a partition (what the metadata reports); one broker unless a test says otherwise. */
  leaderOf: (topic: string, partition: number) => number = () => 1;

  constructor(readonly topics = new Map<string, number>([['opal.workflow.started', 3]])) {}

  producer(config?: ProducerConfig): FakeProducer {
    const producer = new FakeProducer(this, config);
    this.producers.push(producer);
    return producer;
  }

  admin(config?: AdminConfig): FakeAdmin {
    const admin = new FakeAdmin(this, config);
    this.admins.push(admin);
    return admin;
  }

  /** Appends a batch like a broker: each partition's messages get consecutive offsets from its log end. */
  append(batch: ProducerBatch): RecordMetadata[] {
    const acks: RecordMetadata[] = [];
    for (const { topic, messages } of batch.topicMessages ?? []) {
      const counts = new Map<number, number>();
      for (const message of messages) {
        if (message.partition === undefined) throw new Error('fake broker: message without an explicit partition');
        counts.set(message.partition, (counts.get(message.partition) ?? 0) + 1);
      }
      for (const [partition, count] of counts) {
        const logKey = `${topic}/${partition}`;
        const baseOffset = this.nextOffsets.get(logKey) ?? 0n;
        this.nextOffsets.set(logKey, baseOffset + BigInt(count));
        acks.push({
          topicName: topic,
          partition,
          errorCode: 0,
          baseOffset: baseOffset.toString(),
          logAppendTime: '-1',
          logStartOffset: '0',
        });
      }
    }
    return acks;
  }
}
