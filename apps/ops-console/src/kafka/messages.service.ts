import { Inject, Injectable } from '@nestjs/common';
import { readHeaderText } from '@opal/contracts';
import { decodeValue, type DecodedValue, type DlqRecord, type PartitionRange } from '@opal/platform-dlq';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { ConsoleInputError } from '../console.errors';
import { MESSAGES_DEFAULT_LIMIT, MESSAGES_MAX_LIMIT, OPS_CONSOLE_CONFIG } from '../ops-console.constants';
import { KafkaSession } from './kafka.session';

export interface MessagesQuery {
  topic: string;
  /** One partition, or every partition when undefined. */
  partition?: number;
  limit: number;
  /** An `event_id`, a `correlation_id` or a record key, matched exactly. */
  find?: string;
}

export interface MessageView {
  record: DlqRecord;
  key: string | null;
  /** Why it matched a search: `event_id`, `correlation_id` or `key`. */
  matchedBy: string | null;
  decoded: DecodedValue;
}

export interface MessagesResult {
  query: MessagesQuery;
  partitions: number;
  messages: MessageView[];
  /** Records looked at (per partition at most `limit`, or the search depth when searching). */
  scanned: number;
}

/** Parses the messages page's query string; every problem is a ConsoleInputError naming the field. */
export function parseMessagesQuery(raw: Record<string, string | undefined>): MessagesQuery | null {
  const topic = raw['topic']?.trim();
  if (!topic) return null;
  const partitionText = raw['partition']?.trim();
  let partition: number | undefined;
  if (partitionText) {
    if (!/^\d+$/.test(partitionText)) throw new ConsoleInputError(`partition "${partitionText}" is not a partition number`);
    partition = Number(partitionText);
  }
  const limitText = raw['limit']?.trim() || String(MESSAGES_DEFAULT_LIMIT);
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MESSAGES_MAX_LIMIT)
    throw new ConsoleInputError(`limit "${limitText}" must be a whole number from 1 to ${MESSAGES_MAX_LIMIT}`);
  const find = raw['find']?.trim() || undefined;
  return { topic, partition, limit, find };
}

/** Why `record` matches `find`, or null. */
export function matchOf(record: DlqRecord, find: string): string | null {
  if (readHeaderText(record.headers, 'event_id') === find) return 'event_id';
  if (readHeaderText(record.headers, 'correlation_id') === find) return 'correlation_id';
  if (record.key?.toString('utf8') === find) return 'key';
  return null;
}

/** The latest records of a topic, or those matching an id, decoded through the registry. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly kafka: KafkaSession,
    private readonly registry: SchemaRegistryClient,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  async topics(): Promise<string[]> {
    const { admin } = await this.kafka.get();
    return (await admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort();
  }

  async read(query: MessagesQuery): Promise<MessagesResult> {
    const { reader } = await this.kafka.get();
    if (!(await this.topics()).includes(query.topic)) throw new ConsoleInputError(`unknown topic ${query.topic}: no such topic on the cluster`);
    const marks = await reader.watermarks(query.topic);
    if (query.partition !== undefined && !marks.some((mark) => mark.partition === query.partition))
      throw new ConsoleInputError(`${query.topic} has no partition ${query.partition} (it has ${marks.length})`);
    const depth = query.find ? this.config.console.searchDepth : query.limit;
    const ranges: PartitionRange[] = marks
      .filter((mark) => query.partition === undefined || mark.partition === query.partition)
      .map(({ partition, low, high }) => {
        const start = BigInt(high) - BigInt(depth);
        return { topic: query.topic, partition, start: String(start > BigInt(low) ? start : BigInt(low)), end: high };
      });
    const found: Array<{ record: DlqRecord; matchedBy: string | null }> = [];
    let scanned = 0;
    await reader.read(ranges, (record) => {
      scanned += 1;
      const matchedBy = query.find ? matchOf(record, query.find) : null;
      if (!query.find || matchedBy) found.push({ record, matchedBy });
    });
    const latest = found
      .sort((a, b) => Number(b.record.timestamp) - Number(a.record.timestamp) || b.record.partition - a.record.partition)
      .slice(0, query.limit);
    const messages = await Promise.all(
      latest.map(async ({ record, matchedBy }) => ({
        record,
        key: record.key?.toString('utf8') ?? null,
        matchedBy,
        decoded: await decodeValue(this.registry, record.value),
      })),
    );
    return { query, partitions: marks.length, messages, scanned };
  }
}
