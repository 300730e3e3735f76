import type { ConsumerGroup } from '@opal/contracts';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry/client';
import { DlqError } from './dlq.errors';
import { listRowOf, type DlqListRow, type TopicCount } from './dlq.list-row';
import type { DlqReader, PartitionRange, PartitionWatermarks } from './dlq.reader';
import {
  compareLocations,
  locationText,
  type DlqRecord,
  type PartitionOffset,
  type RecordLocation,
} from './dlq.record';
import {
  planReplay,
  targetPartitions,
  type DlqReplayer,
  type ReplayItem,
  type ReplayedRecord,
  type ReplaySelection,
} from './dlq.replayer';
import { decodeValue, type DecodedValue } from './value.decoder';

/** What `DeadLetters` works with; the registry and the replayer are asked for only when needed. */
export interface DeadLettersDeps {
  reader: DlqReader;
  registry: () => Pick<SchemaRegistryClient, 'decode'>;
  replayer: () => DlqReplayer;
}

export interface DeadLetterQuery {
  /** A DLQ topic, or a source topic meaning its `.dlq` twin; every `*.dlq` topic when absent. */
  topic?: string;
  /** Only the dead letters of this consumer group. */
  group?: string;
  /** At most this many rows (the counts still cover every record read). */
  limit?: number;
}

export interface DeadLetterListing {
  /** Sorted by location, at most `limit`. */
  rows: DlqListRow[];
  /** Per DLQ topic read; empty when the cluster has no DLQ topic. */
  counts: TopicCount[];
}

export interface ShownDeadLetter {
  record: DlqRecord;
  decoded: DecodedValue;
}

export interface ReplayRequest {
  /** A DLQ topic, or a source topic meaning its `.dlq` twin. */
  topic: string;
  selection: ReplaySelection;
  group: ConsumerGroup;
  /** Address records that failed in another group to `group` anyway. */
  force: boolean;
}

export interface PreparedReplay {
  dlqTopic: string;
  /** Records read from the DLQ topic for the selection. */
  recordsRead: number;
  /** What `replay` writes, in location order, target partitions fixed against the source topics as they are now. */
  items: ReplayItem[];
  /** Why records of an `all` selection are left out, one reason each. */
  skipped: string[];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Why `position` holds no record of `topic`, or `undefined` when it does. */
function positionProblem(
  topic: string,
  marks: readonly PartitionWatermarks[],
  position: PartitionOffset,
): string | undefined {
  const mark = marks.find((candidate) => candidate.partition === position.partition);
  if (!mark) return `${topic} has no partition ${position.partition} (it has ${plural(marks.length, 'partition')})`;
  const offset = BigInt(position.offset);
  if (offset >= BigInt(mark.low) && offset < BigInt(mark.high)) return undefined;
  const held = mark.low === mark.high ? 'is empty' : `holds offsets ${mark.low}-${BigInt(mark.high) - 1n}`;
  return `no record at ${topic}:${position.partition}:${position.offset} (partition ${position.partition} ${held})`;
}

/** One range per partition, from the smallest to past the largest selected offset. */
function rangesCovering(topic: string, positions: readonly PartitionOffset[]): PartitionRange[] {
  const byPartition = new Map<number, { start: bigint; end: bigint }>();
  for (const { partition, offset } of positions) {
    const at = BigInt(offset);
    const range = byPartition.get(partition);
    byPartition.set(partition, {
      start: range && range.start < at ? range.start : at,
      end: range && range.end > at + 1n ? range.end : at + 1n,
    });
  }
  return [...byPartition].map(([partition, { start, end }]) => ({
    topic,
    partition,
    start: String(start),
    end: String(end),
  }));
}

const wholeTopic = (topic: string, marks: readonly PartitionWatermarks[]): PartitionRange[] =>
  marks.map((mark) => ({ topic, partition: mark.partition, start: mark.low, end: mark.high }));

/**
 * The dead-letter operations an operator has: list the dead letters, show one decoded, and replay
 * selected ones to their source topic addressed to one consumer group. Every failure that is the
 * request's (unknown topic, no such record, refused replay, Kafka down) is a `DlqError` with a
 * one-line message.
 */
export class DeadLetters {
  constructor(private readonly deps: DeadLettersDeps) {}

  /**
   * Every dead letter of the DLQ topics asked for, with a count per topic.
   *
   * @throws DlqError when the named topic has no DLQ, or Kafka fails.
   */
  async list(query: DeadLetterQuery): Promise<DeadLetterListing> {
    const { reader } = this.deps;
    const topics = await reader.dlqTopics(query.topic);
    const marks = await Promise.all(
      topics.map((topic) =>
        reader.watermarks(topic).catch(async (error: unknown) => {
          // Listing every DLQ: one deleted since the topics were listed is simply gone, not a failure.
          if (query.topic === undefined && !(await reader.topicExists(topic))) return undefined;
          throw error;
        }),
      ),
    );
    const present = topics.flatMap((topic, index) => (marks[index] ? [{ topic, marks: marks[index] }] : []));
    const ranges = present.flatMap(({ topic, marks: topicMarks }) => wholeTopic(topic, topicMarks));
    const counts = new Map<string, TopicCount>(present.map(({ topic }) => [topic, { topic, total: 0, matched: 0 }]));
    const rows: DlqListRow[] = [];
    await reader.read(ranges, (record) => {
      const count = counts.get(record.topic);
      if (count) count.total += 1;
      const row = listRowOf(record);
      if (query.group !== undefined && row.consumerGroup !== query.group) return;
      if (count) count.matched += 1;
      rows.push(row);
    });
    return {
      rows: rows
        .sort((a, b) => compareLocations({ ...a, topic: a.dlqTopic }, { ...b, topic: b.dlqTopic }))
        .slice(0, query.limit ?? rows.length),
      counts: [...counts.values()],
    };
  }

  /**
   * One record with its value decoded through the registry. A registry that cannot answer is a
   * `registry-error` value, not a throw, so the record can still be shown.
   *
   * @throws DlqError when the topic or the record does not exist, or Kafka fails.
   */
  async show(location: RecordLocation): Promise<ShownDeadLetter> {
    const { reader } = this.deps;
    await reader.requireTopic(location.topic);
    const problem = positionProblem(location.topic, await reader.watermarks(location.topic), location);
    if (problem) throw new DlqError(problem);
    const records: DlqRecord[] = [];
    const end = String(BigInt(location.offset) + 1n);
    await reader.read([{ ...location, start: location.offset, end }], (record) => records.push(record));
    const [record] = records;
    if (!record) throw new DlqError(`no record at ${locationText(location)} (deleted by retention while reading)`);
    return { record, decoded: await decodeValue(this.deps.registry(), record.value) };
  }

  /**
   * Reads the selected dead letters and works out what a replay would write; writes nothing.
   *
   * @throws DlqError when the DLQ topic, a named record or a source topic does not exist, or when a
   *   named record cannot be replayed as asked (every reason listed); nothing is replayed then.
   */
  async prepareReplay(request: ReplayRequest): Promise<PreparedReplay> {
    const [dlqTopic] = await this.deps.reader.dlqTopics(request.topic);
    if (dlqTopic === undefined) throw new DlqError(`unknown topic ${request.topic}`);
    const records = (await this.selectedRecords(dlqTopic, request.selection)).sort(compareLocations);
    const plan = planReplay(records, { group: request.group, force: request.force, selection: request.selection.kind });
    if (plan.refused.length > 0) {
      const reasons = plan.refused.map((reason) => `\n  ${reason}`).join('');
      throw new DlqError(`refusing to replay ${plural(plan.refused.length, 'record')}, nothing replayed:${reasons}`);
    }
    const prepared = { dlqTopic, recordsRead: records.length, skipped: plan.skipped };
    if (plan.items.length === 0) return { ...prepared, items: [] };
    const counts = await this.deps.reader.partitionCounts(plan.items.map((item) => item.message.topic));
    return { ...prepared, items: targetPartitions(plan.items, counts) };
  }

  /**
   * Writes the prepared replays in order, one at a time.
   *
   * @param onReplayed told after each acknowledged write.
   * @throws DlqError when a write fails; after earlier writes went through, the message says how many.
   */
  async replay(
    prepared: PreparedReplay,
    onReplayed: (replayed: ReplayedRecord) => void = () => undefined,
  ): Promise<ReplayedRecord[]> {
    const replayed: ReplayedRecord[] = [];
    if (prepared.items.length === 0) return replayed;
    try {
      await this.deps.replayer().replay(prepared.items, (record) => {
        replayed.push(record);
        onReplayed(record);
      });
    } catch (error) {
      if (error instanceof DlqError && replayed.length > 0) {
        throw new DlqError(
          `${error.message} (${replayed.length} of ${prepared.items.length} replayed before the failure, listed above)`,
        );
      }
      throw error;
    }
    return replayed;
  }

  private async selectedRecords(topic: string, selection: ReplaySelection): Promise<DlqRecord[]> {
    const { reader } = this.deps;
    const marks = await reader.watermarks(topic);
    if (selection.kind === 'all') {
      const records: DlqRecord[] = [];
      await reader.read(wholeTopic(topic, marks), (record) => records.push(record));
      return records;
    }
    const problems = selection.positions.map((position) => positionProblem(topic, marks, position)).filter(Boolean);
    if (problems.length > 0) throw new DlqError(`${problems.join('; ')}; nothing replayed`);
    const wanted = new Set(selection.positions.map((position) => `${position.partition}:${position.offset}`));
    const records: DlqRecord[] = [];
    await reader.read(rangesCovering(topic, selection.positions), (record) => {
      if (wanted.delete(`${record.partition}:${record.offset}`)) records.push(record);
    });
    if (wanted.size > 0)
      throw new DlqError(`no record at ${[...wanted].map((at) => `${topic}:${at}`).join(', ')}; nothing replayed`);
    return records;
  }
}
