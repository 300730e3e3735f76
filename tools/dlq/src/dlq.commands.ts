import { eventIdOf, locationText, type DeadLetters, type ReplayItem } from '@opal/platform-dlq';
import type { DlqCommand } from './dlq.args';
import { formatCounts, formatListJsonLine, formatListTable, formatShow, formatShowJson } from './dlq.printer';

/** Where a command writes: results to `out`, notes and failures to `err`. */
export interface DlqIo {
  out(text: string): void;
  err(text: string): void;
}

type Command<K extends DlqCommand['kind']> = Extract<DlqCommand, { kind: K }>;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export async function listCommand(command: Command<'list'>, deadLetters: DeadLetters, io: DlqIo): Promise<number> {
  const { rows, counts } = await deadLetters.list(command);
  if (counts.length === 0) {
    io.out('no DLQ topics (*.dlq) on the cluster');
    return 0;
  }
  const tally = formatCounts(counts, { group: command.group, shown: rows.length });
  if (command.json) {
    for (const row of rows) io.out(formatListJsonLine(row));
    // stdout stays pure JSON lines for jq; the tally goes beside it.
    io.err(tally);
  } else {
    if (rows.length > 0) io.out(`${formatListTable(rows)}\n`);
    io.out(tally);
  }
  return 0;
}

export async function showCommand(command: Command<'show'>, deadLetters: DeadLetters, io: DlqIo): Promise<number> {
  const { record, decoded } = await deadLetters.show(command.location);
  io.out(command.json ? formatShowJson(record, decoded) : formatShow(record, decoded));
  if (decoded.kind !== 'registry-error') return 0;
  io.err(`dlq: the value of ${locationText(record)} was not decoded: ${decoded.message}`);
  return 1;
}

const describeReplay = (item: ReplayItem, partition: number | string, group: string) =>
  `${locationText(item.source)} → ${item.message.topic}:${partition} (event_id ${eventIdOf(item)}, target group ${group})`;

export async function replayCommand(command: Command<'replay'>, deadLetters: DeadLetters, io: DlqIo): Promise<number> {
  const prepared = await deadLetters.prepareReplay(command);
  const { items } = prepared;
  for (const reason of prepared.skipped) io.out(`left out ${reason}`);
  if (items.length === 0) {
    io.out(
      `nothing to replay to group ${command.group} in ${prepared.dlqTopic} (${plural(prepared.recordsRead, 'record')} read)`,
    );
    return 0;
  }
  if (command.dryRun) {
    for (const item of items)
      io.out(`would replay ${describeReplay(item, item.message.partition ?? '(by key)', command.group)}`);
    io.out(`dry run: ${plural(items.length, 'record')} would be replayed; nothing written`);
    return 0;
  }
  const replayed = await deadLetters.replay(prepared, ({ item, partition, offset }) =>
    io.out(`replayed ${describeReplay(item, `${partition}@${offset}`, command.group)}`),
  );
  io.out(
    `replayed ${plural(replayed.length, 'record')} to ${[...new Set(items.map((item) => item.message.topic))].join(', ')}`,
  );
  return 0;
}
