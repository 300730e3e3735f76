import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import type { DlqCommand, PartitionOffset } from './dlq.args';
import { DlqError } from './dlq.errors';
import {
  formatCounts,
  formatListJsonLine,
  formatListTable,
  formatShow,
  formatShowJson,
  listRowOf,
  type DlqListRow,
  type TopicCount,
} from './dlq.printer';
import type { DlqReader, PartitionRange, PartitionWatermarks } from './dlq.reader';
import { compareLocations, locationText, type DlqRecord } from './dlq.record';
import { eventIdOf, planReplay, targetPartitions, type DlqReplayer, type ReplayItem } from './dlq.replayer';
import { decodeValue } from './value.decoder';

/** Where a command writes: results to `out`, notes and failures to `err`. */
export interface DlqIo {
  out(text: string): void;
  err(text: string): void;
}

export interface DlqDeps {
  reader: DlqReader;
  registry: () => Pick<SchemaRegistryClient, 'decode'>;
  replayer: () => DlqReplayer;
}

type Command<K extends DlqCommand['kind']> = Extract<DlqCommand, { kind: K }>;

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

export async function listCommand(command: Command<'list'>, deps: DlqDeps, io: DlqIo): Promise<number> {
  const topics = await deps.reader.dlqTopics(command.topic);
  if (topics.length === 0) {
    io.out('no DLQ topics (*.dlq) on the cluster');
    return 0;
  }
  const marks = await Promise.all(
    topics.map((topic) =>
      deps.reader.watermarks(topic).catch(async (error: unknown) => {
        // Listing every DLQ: one deleted since the topics were listed is simply gone, not a failure.
        if (command.topic === undefined && !(await deps.reader.topicExists(topic))) return undefined;
        throw error;
      }),
    ),
  );
  const present = topics.flatMap((topic, index) => (marks[index] ? [{ topic, marks: marks[index] }] : []));
  const ranges = present.flatMap(({ topic, marks: topicMarks }) => wholeTopic(topic, topicMarks));
  const counts = new Map<string, TopicCount>(present.map(({ topic }) => [topic, { topic, total: 0, matched: 0 }]));
  const rows: DlqListRow[] = [];
  await deps.reader.read(ranges, (record) => {
    const count = counts.get(record.topic);
    if (count) count.total += 1;
    const row = listRowOf(record);
    if (command.group !== undefined && row.consumerGroup !== command.group) return;
    if (count) count.matched += 1;
    rows.push(row);
  });
  const shown = rows
    .sort((a, b) => compareLocations({ ...a, topic: a.dlqTopic }, { ...b, topic: b.dlqTopic }))
    .slice(0, command.limit ?? rows.length);
  const tally = formatCounts([...counts.values()], { group: command.group, shown: shown.length });
  if (command.json) {
    for (const row of shown) io.out(formatListJsonLine(row));
    // stdout stays pure JSON lines for jq; the tally goes beside it.
    io.err(tally);
  } else {
    if (shown.length > 0) io.out(`${formatListTable(shown)}\n`);
    io.out(tally);
  }
  return 0;
}

export async function showCommand(command: Command<'show'>, deps: DlqDeps, io: DlqIo): Promise<number> {
  const { location } = command;
  await deps.reader.requireTopic(location.topic);
  const problem = positionProblem(location.topic, await deps.reader.watermarks(location.topic), location);
  if (problem) throw new DlqError(problem);
  const records: DlqRecord[] = [];
  const end = String(BigInt(location.offset) + 1n);
  await deps.reader.read([{ ...location, start: location.offset, end }], (record) => records.push(record));
  const [record] = records;
  if (!record) throw new DlqError(`no record at ${locationText(location)} (deleted by retention while reading)`);
  const decoded = await decodeValue(deps.registry(), record.value);
  io.out(command.json ? formatShowJson(record, decoded) : formatShow(record, decoded));
  if (decoded.kind !== 'registry-error') return 0;
  io.err(`dlq: the value of ${locationText(record)} was not decoded: ${decoded.message}`);
  return 1;
}

async function selectedRecords(command: Command<'replay'>, topic: string, deps: DlqDeps): Promise<DlqRecord[]> {
  const marks = await deps.reader.watermarks(topic);
  const { selection } = command;
  if (selection.kind === 'all') {
    const records: DlqRecord[] = [];
    await deps.reader.read(wholeTopic(topic, marks), (record) => records.push(record));
    return records;
  }
  const problems = selection.positions.map((position) => positionProblem(topic, marks, position)).filter(Boolean);
  if (problems.length > 0) throw new DlqError(`${problems.join('; ')}; nothing replayed`);
  const wanted = new Set(selection.positions.map((position) => `${position.partition}:${position.offset}`));
  const records: DlqRecord[] = [];
  await deps.reader.read(rangesCovering(topic, selection.positions), (record) => {
    if (wanted.delete(`${record.partition}:${record.offset}`)) records.push(record);
  });
  if (wanted.size > 0)
    throw new DlqError(`no record at ${[...wanted].map((at) => `${topic}:${at}`).join(', ')}; nothing replayed`);
  return records;
}

const describeReplay = (item: ReplayItem, partition: number | string, group: string) =>
  `${locationText(item.source)} → ${item.message.topic}:${partition} (event_id ${eventIdOf(item)}, target group ${group})`;

export async function replayCommand(command: Command<'replay'>, deps: DlqDeps, io: DlqIo): Promise<number> {
  const [topic] = await deps.reader.dlqTopics(command.topic);
  if (topic === undefined) throw new DlqError(`unknown topic ${command.topic}`);
  const records = (await selectedRecords(command, topic, deps)).sort(compareLocations);
  const plan = planReplay(records, { group: command.group, force: command.force, selection: command.selection.kind });
  if (plan.refused.length > 0) {
    const reasons = plan.refused.map((reason) => `\n  ${reason}`).join('');
    throw new DlqError(`refusing to replay ${plural(plan.refused.length, 'record')}, nothing replayed:${reasons}`);
  }
  for (const reason of plan.skipped) io.out(`left out ${reason}`);
  if (plan.items.length === 0) {
    io.out(`nothing to replay to group ${command.group} in ${topic} (${plural(records.length, 'record')} read)`);
    return 0;
  }
  const counts = await deps.reader.partitionCounts(plan.items.map((item) => item.message.topic));
  const items = targetPartitions(plan.items, counts);
  if (command.dryRun) {
    for (const item of items)
      io.out(`would replay ${describeReplay(item, item.message.partition ?? '(by key)', command.group)}`);
    io.out(`dry run: ${plural(items.length, 'record')} would be replayed; nothing written`);
    return 0;
  }
  let replayed = 0;
  try {
    await deps.replayer().replay(items, ({ item, partition, offset }) => {
      replayed += 1;
      io.out(`replayed ${describeReplay(item, `${partition}@${offset}`, command.group)}`);
    });
  } catch (error) {
    if (error instanceof DlqError && replayed > 0) {
      throw new DlqError(`${error.message} (${replayed} of ${items.length} replayed before the failure, listed above)`);
    }
    throw error;
  }
  io.out(
    `replayed ${plural(replayed, 'record')} to ${[...new Set(items.map((item) => item.message.topic))].join(', ')}`,
  );
  return 0;
}
