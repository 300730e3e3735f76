import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import {
  DLQ_HEADER_PREFIX,
  InvalidDlqHeadersError,
  REPLAY_OF_HEADER,
  REPLAY_TARGET_GROUP_HEADER,
  readDlqHeaders,
  readHeaderText,
  type DlqHeaders,
} from '@opal/contracts';
import { DlqError, DlqKafkaError } from './dlq.errors';
import { locationText, type DlqRecord, type PartitionOffset } from './dlq.record';
import { kafkaReason } from './kafka.session';

/** Which dead letters of one DLQ topic to replay: every one addressed to the group, or those named. */
export type ReplaySelection = { kind: 'all' } | { kind: 'offsets'; positions: PartitionOffset[] };

/** The record a replay writes: back to the source topic, same key and value bytes. */
export interface ReplayMessage {
  topic: string;
  /** The original partition; `undefined` lets the key pick one (the topic was recreated smaller). */
  partition: number | undefined;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface ReplayItem {
  source: DlqRecord;
  facts: DlqHeaders;
  message: ReplayMessage;
}

export interface ReplayPlan {
  items: ReplayItem[];
  /** Explicitly selected records that cannot be replayed as asked: the replay fails and writes nothing. */
  refused: string[];
  /** Records an `all` selection leaves out (another group's, or not dead letters), with the reason. */
  skipped: string[];
}

export interface ReplayOptions {
  group: string;
  force: boolean;
  /** `offsets`: every record was asked for by name, so a mismatch refuses the replay; `all`: it is left out. */
  selection: ReplaySelection['kind'];
}

export interface ReplayedRecord {
  item: ReplayItem;
  partition: number;
  offset: string;
}

const toBuffer = (value: string | Uint8Array): string | Buffer =>
  typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/**
 * The replayed record of a dead letter: the original headers without the `x-dlq-*` facts (and
 * without the addressing of an earlier replay), plus `x-replay-target-group` and `x-replay-of`.
 */
export function replayMessageOf(source: DlqRecord, facts: DlqHeaders, group: string): ReplayMessage {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(source.headers)) {
    if (value === undefined || name.startsWith(DLQ_HEADER_PREFIX)) continue;
    if (name === REPLAY_TARGET_GROUP_HEADER || name === REPLAY_OF_HEADER) continue;
    headers[name] = typeof value === 'string' || value instanceof Uint8Array ? toBuffer(value) : value.map(toBuffer);
  }
  headers[REPLAY_TARGET_GROUP_HEADER] = group;
  headers[REPLAY_OF_HEADER] = locationText(source);
  return {
    topic: facts.originalTopic,
    partition: facts.originalPartition,
    key: source.key,
    value: source.value,
    headers,
  };
}

/** Sorts the selected dead letters into those to replay and those refused or left out, with reasons. */
export function planReplay(records: readonly DlqRecord[], options: ReplayOptions): ReplayPlan {
  const plan: ReplayPlan = { items: [], refused: [], skipped: [] };
  const reject = (reason: string) => (options.selection === 'offsets' ? plan.refused : plan.skipped).push(reason);
  for (const source of records) {
    const location = locationText(source);
    let facts: DlqHeaders;
    try {
      facts = readDlqHeaders(source.headers);
    } catch (error) {
      if (!(error instanceof InvalidDlqHeadersError)) throw error;
      reject(`${location} is not a valid dead letter (${error.problems.join('; ')}): nothing says where to replay it`);
      continue;
    }
    if (facts.consumerGroup !== options.group && !options.force) {
      reject(
        options.selection === 'offsets'
          ? `${location} failed in consumer group ${facts.consumerGroup}, not ${options.group}: a replay addressed to ` +
              `${options.group} is skipped by ${facts.consumerGroup}, and ${options.group} may have processed it already; ` +
              `replay it with --group ${facts.consumerGroup}, or add --force to address it to ${options.group} anyway`
          : `${location} failed in consumer group ${facts.consumerGroup} (replay it with --group ${facts.consumerGroup})`,
      );
      continue;
    }
    plan.items.push({ source, facts, message: replayMessageOf(source, facts, options.group) });
  }
  return plan;
}

/**
 * Fixes each item's partition against the source topics' current partition counts.
 *
 * @throws DlqError naming every source topic that no longer exists; nothing is written then.
 */
export function targetPartitions(
  items: readonly ReplayItem[],
  partitionCounts: ReadonlyMap<string, number>,
): ReplayItem[] {
  const missing = [...new Set(items.map((item) => item.message.topic).filter((topic) => !partitionCounts.has(topic)))];
  if (missing.length > 0) {
    throw new DlqError(
      `unknown topic ${missing.join(', ')}: the original topic of the selected records does not exist; nothing replayed`,
    );
  }
  return items.map((item) => {
    const count = partitionCounts.get(item.message.topic) ?? 0;
    const partition =
      item.message.partition !== undefined && item.message.partition < count ? item.message.partition : undefined;
    return { ...item, message: { ...item.message, partition } };
  });
}

/** `event_id` of the replayed record, for the report; the key and payload are never printed (PII). */
export const eventIdOf = (item: ReplayItem): string => readHeaderText(item.source.headers, 'event_id') ?? '-';

/** Writes replays with an idempotent, acks=all producer, one record at a time, in the order given. */
export class DlqReplayer {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: readonly string[],
  ) {}

  /**
   * @param onReplayed told after each acknowledged write, so a failure half-way still reports what went through.
   * @throws DlqError when Kafka cannot be reached or refuses a write.
   */
  async replay(items: readonly ReplayItem[], onReplayed: (replayed: ReplayedRecord) => void): Promise<void> {
    const producer = await this.connect();
    for (const item of items) {
      const { topic, partition, key, value, headers } = item.message;
      let metadata;
      try {
        [metadata] = await producer.send({ topic, acks: -1, messages: [{ partition, key, value, headers }] });
      } catch (error) {
        throw new DlqKafkaError(`replaying ${locationText(item.source)} to ${topic} failed: ${kafkaReason(error)}`);
      }
      if (!metadata?.baseOffset) throw new DlqKafkaError(`replaying ${locationText(item.source)}: Kafka returned no offset`);
      onReplayed({ item, partition: metadata.partition, offset: metadata.baseOffset });
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Producer> {
    // Idempotent: a retried send after a lost acknowledgement cannot write the record twice.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer = producer;
    try {
      await producer.connect();
    } catch (error) {
      throw new DlqKafkaError(`cannot reach Kafka at ${this.brokers.join(',')}: ${kafkaReason(error)}`);
    }
    return producer;
  }
}
