import type { Admin, Consumer, Kafka } from 'kafkajs';
import { dlqTopicOf } from '@opal/contracts';
import { DlqError, DlqKafkaError } from './dlq.errors';
import type { DlqRecord } from './dlq.record';
import { kafkaReason, throwawayGroupId } from './kafka.session';

/** The offsets `[start, end)` of one partition to read. */
export interface PartitionRange {
  topic: string;
  partition: number;
  start: string;
  end: string;
}

/** A partition's earliest offset and high-water mark (the offset the next record will get). */
export interface PartitionWatermarks {
  partition: number;
  low: string;
  high: string;
}

export interface DlqReaderOptions {
  /** The prefix of the throwaway groups: the reading tool's Kafka client id. */
  clientId: string;
  /** Upper bound on one read, group join included. */
  readTimeoutMs: number;
  /** Told when the throwaway group could not be deleted (the read itself succeeded). */
  warn(message: string): void;
}

const DLQ_SUFFIX = dlqTopicOf('');
const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Reads topics without disturbing anyone: it joins a fresh group of its own, seeks to the
 * requested offsets, never commits, stops at the high-water marks taken before it started (an
 * idle or empty topic ends the read at once), and deletes its group afterwards. `read` and
 * `watermarks` work on any topic; `dlqTopics` finds the `*.dlq` ones.
 */
export class DlqReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: DlqReaderOptions,
  ) {}

  /**
   * The DLQ topics to look at: every `*.dlq` topic, or the one named (as a source topic or as its
   * `.dlq` twin).
   *
   * @throws DlqError when the named topic has no DLQ on the cluster.
   */
  async dlqTopics(topic?: string): Promise<string[]> {
    const existing = await this.listTopics();
    if (topic === undefined) return existing.filter((name) => name.endsWith(DLQ_SUFFIX)).sort();
    const dlqTopic = topic.endsWith(DLQ_SUFFIX) ? topic : dlqTopicOf(topic);
    if (!existing.includes(dlqTopic)) {
      const source = dlqTopic === topic ? '' : ` (the DLQ of ${topic})`;
      throw new DlqError(`unknown topic ${dlqTopic}${source}: no such topic on the cluster`);
    }
    return [dlqTopic];
  }

  /** Whether the topic is on the cluster. */
  async topicExists(topic: string): Promise<boolean> {
    return (await this.listTopics()).includes(topic);
  }

  /** @throws DlqError when the topic does not exist. */
  async requireTopic(topic: string): Promise<void> {
    if (!(await this.topicExists(topic))) throw new DlqError(`unknown topic ${topic}: no such topic on the cluster`);
  }

  /** Partition counts of topics that exist; absent topics are missing from the map. */
  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.listTopics());
    const wanted = [...new Set(topics)].filter((topic) => existing.has(topic));
    if (wanted.length === 0) return new Map();
    const { topics: metadata } = await this.kafkaCall(() => this.admin.fetchTopicMetadata({ topics: wanted }));
    return new Map(metadata.map((entry) => [entry.name, entry.partitions.length]));
  }

  /** Every partition's low and high watermarks, by partition. */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    const offsets = await this.kafkaCall(() => this.admin.fetchTopicOffsets(topic));
    return offsets
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * Calls `onRecord` for every record in `ranges` (per partition in offset order) and resolves
   * once each range is read to its end.
   *
   * @throws DlqError when the read does not finish within `readTimeoutMs`, or the consumer fails.
   */
  async read(ranges: readonly PartitionRange[], onRecord: (record: DlqRecord) => void): Promise<void> {
    const pending = new Map<string, PartitionRange>();
    for (const range of ranges) {
      if (BigInt(range.start) < BigInt(range.end)) pending.set(partitionKey(range.topic, range.partition), range);
    }
    if (pending.size === 0) return;
    const wanted = new Map(pending);
    const groupId = throwawayGroupId(this.options.clientId);
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });

    let finish: (error?: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      finish = (error) => (error ? reject(error) : resolve());
    });
    // Awaited below; until then a timeout or crash must not count as an unhandled rejection.
    finished.catch(() => undefined);
    const advance = (topic: string, partition: number, lastOffset: string) => {
      const range = pending.get(partitionKey(topic, partition));
      if (range && BigInt(lastOffset) + 1n >= BigInt(range.end)) pending.delete(partitionKey(topic, partition));
      if (pending.size === 0) finish();
    };
    let sought = false;
    // Seeking on the first join, before the first fetch, so a read of one offset does not scan the partition.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (sought) return;
      sought = true;
      for (const range of wanted.values())
        consumer.seek({ topic: range.topic, partition: range.partition, offset: range.start });
    });
    // Emitted for every fetched batch, also those that held only skipped control records.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      advance(payload.topic, payload.partition, payload.lastOffset),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      finish(new DlqKafkaError(`reading failed: ${kafkaReason(payload.error)}`)),
    );

    const timer = setTimeout(() => {
      const left = [...pending.values()].map((range) => `${range.topic}:${range.partition}`).join(', ');
      finish(new DlqKafkaError(`timed out after ${this.options.readTimeoutMs / 1000} s reading ${left}`));
    }, this.options.readTimeoutMs);
    const start = async () => {
      await this.kafkaCall(() => consumer.connect());
      const topics = [...new Set(ranges.map((range) => range.topic))];
      await this.kafkaCall(() => consumer.subscribe({ topics, fromBeginning: true }));
      await this.kafkaCall(() =>
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            // A partition already read to its end (e.g. fetched again after a rebalance) adds nothing.
            const range = pending.get(partitionKey(batch.topic, batch.partition));
            if (!range) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset < BigInt(range.start) || offset >= BigInt(range.end)) continue;
              onRecord({
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                timestamp: message.timestamp,
                key: message.key,
                value: message.value,
                headers: message.headers ?? {},
              });
            }
          },
        }),
      );
      return finished;
    };
    try {
      // The deadline also bounds connecting and joining, not only fetching.
      const started = start();
      started.catch(() => undefined);
      await Promise.race([started, finished]);
    } finally {
      clearTimeout(timer);
      await this.close(consumer, groupId);
    }
  }

  private async close(consumer: Consumer, groupId: string): Promise<void> {
    await consumer.disconnect().catch(() => undefined);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.admin.deleteGroups([groupId]);
        return;
      } catch (error) {
        // A consumer that never joined leaves no group to delete.
        if (/GROUP_ID_NOT_FOUND|does not exist/i.test(JSON.stringify(errorDetails(error)))) return;
        // Right after leaving, the coordinator may still count the member: try once more.
        if (attempt >= 3) {
          this.options.warn(`could not delete the throwaway consumer group ${groupId}: ${kafkaReason(error)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private listTopics(): Promise<string[]> {
    return this.kafkaCall(() => this.admin.listTopics());
  }

  private async kafkaCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof DlqError ? error : new DlqKafkaError(`Kafka request failed: ${kafkaReason(error)}`);
    }
  }
}

/** kafkajs' DeleteGroups failure lists per-group errors under `groups`. */
function errorDetails(error: unknown): unknown {
  const groups = (error as { groups?: unknown } | null)?.groups;
  return { message: error instanceof Error ? error.message : String(error), groups };
}
