import type { KafkaHeaderValue } from '@opal/contracts';
import { locationText, type DecodedValue, type DlqListRow, type DlqRecord, type TopicCount } from '@opal/platform-dlq';

export const ERROR_MESSAGE_WIDTH = 60;
/** Raw bytes shown by `show` when a value cannot be decoded; the rest is elided. */
export const RAW_BYTES_SHOWN = 4096;

const NONE = '-';

/** One line, at most `width` characters, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const LIST_HEADER = [
  'DLQ TOPIC',
  'P',
  'OFFSET',
  'ORIGINAL',
  'GROUP',
  'ATTEMPTS',
  'ERROR CLASS',
  'ERROR MESSAGE',
  'FAILED AT',
];

export function formatListTable(rows: readonly DlqListRow[]): string {
  return formatTable(
    LIST_HEADER,
    rows.map((row) => {
      const original =
        row.originalTopic === null
          ? NONE
          : `${row.originalTopic}:${row.originalPartition ?? '?'}@${row.originalOffset ?? '?'}`;
      const message =
        row.problems.length > 0 && row.errorClass === null
          ? `(not a dead letter: ${row.problems.join('; ')})`
          : (row.errorMessage ?? NONE);
      return [
        row.dlqTopic,
        String(row.partition),
        row.offset,
        original,
        row.consumerGroup ?? NONE,
        row.attempts ?? NONE,
        row.errorClass ?? NONE,
        truncate(message, ERROR_MESSAGE_WIDTH),
        row.failedAt ?? NONE,
      ];
    }),
  );
}

export const formatListJsonLine = (row: DlqListRow): string => JSON.stringify(row);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The per-topic tally `list` ends with. */
export function formatCounts(counts: readonly TopicCount[], options: { group?: string; shown: number }): string {
  const width = Math.max(0, ...counts.map((count) => count.topic.length));
  const lines = counts.map((count) => {
    const matching = options.group === undefined ? '' : `, ${count.matched} of group ${options.group}`;
    return `${count.topic.padEnd(width)}  ${plural(count.total, 'record')}${matching}`;
  });
  const matched = counts.reduce((sum, count) => sum + count.matched, 0);
  const total = counts.reduce((sum, count) => sum + count.total, 0);
  const summary =
    `${plural(total, 'record')} in ${plural(counts.length, 'DLQ topic')}` +
    (options.group === undefined ? '' : `, ${matched} of group ${options.group}`) +
    (options.shown < matched ? `; ${options.shown} shown (--limit)` : '');
  return [...lines, summary].join('\n');
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text when they are printable UTF-8, otherwise as `hex:<bytes>`. */
export function bytesText(bytes: Uint8Array): string {
  try {
    const text = fatalUtf8.decode(bytes);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a terminal
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return text;
  } catch {
    // not UTF-8: shown as hex below
  }
  return `hex:${Buffer.from(bytes).toString('hex')}`;
}

function headerValues(value: KafkaHeaderValue): string[] {
  if (value === undefined) return [];
  const values = typeof value === 'string' || value instanceof Uint8Array ? [value] : value;
  return values.map((item) => (typeof item === 'string' ? item : bytesText(item)));
}

/** Header name → text values (a repeated header has several). */
export function headerTexts(record: DlqRecord): Record<string, string[]> {
  return Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, headerValues(value)]));
}

/** Buffers (Avro `bytes`/`fixed`) as base64 and 64-bit integers as strings, so any value prints as JSON. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  const buffer = value as { type?: unknown; data?: unknown } | null;
  if (buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data))
    return Buffer.from(buffer.data as number[]).toString('base64');
  return value;
}

function rawBytes(value: Buffer): { hex: string; base64: string; elided: number } {
  const shown = value.subarray(0, RAW_BYTES_SHOWN);
  return { hex: shown.toString('hex'), base64: shown.toString('base64'), elided: value.length - shown.length };
}

function timestampText(timestamp: string): string {
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms >= 0 ? `${timestamp} (${new Date(ms).toISOString()})` : timestamp;
}

/** `show`'s human output: place, key, every header, then the value decoded or as raw bytes with the reason. */
export function formatShow(record: DlqRecord, decoded: DecodedValue): string {
  const lines = [
    `record     ${locationText(record)}`,
    `timestamp  ${timestampText(record.timestamp)}`,
    `key        ${record.key === null ? '(null)' : bytesText(record.key)}`,
    'headers',
  ];
  const headers = Object.entries(headerTexts(record));
  const width = Math.max(0, ...headers.map(([name]) => name.length));
  for (const [name, values] of headers) for (const value of values) lines.push(`  ${name.padEnd(width)}  ${value}`);
  if (headers.length === 0) lines.push('  (none)');
  const size = record.value === null ? 'null' : plural(record.value.length, 'byte');
  switch (decoded.kind) {
    case 'empty':
      lines.push(`value      ${size}`);
      break;
    case 'decoded':
      lines.push(`value      ${size}, schema id ${decoded.schemaId}`, JSON.stringify(decoded.value, jsonReplacer, 2));
      break;
    case 'undecodable':
    case 'registry-error': {
      const reason = decoded.kind === 'undecodable' ? 'not decodable' : 'not decoded (Schema Registry failed)';
      lines.push(`value      ${size}, ${reason}: ${decoded.errorClass}: ${decoded.message}`);
      if (record.value !== null) {
        const raw = rawBytes(record.value);
        const elided = raw.elided > 0 ? ` … (${raw.elided} more bytes)` : '';
        lines.push(`hex        ${raw.hex}${elided}`, `base64     ${raw.base64}${elided}`);
      }
      break;
    }
    default: {
      const unknown: never = decoded;
      throw new TypeError(`unknown decode result ${JSON.stringify(unknown)}`);
    }
  }
  return lines.join('\n');
}

/** `show --json`: one JSON object. */
export function formatShowJson(record: DlqRecord, decoded: DecodedValue): string {
  const value =
    decoded.kind === 'decoded'
      ? { schemaId: decoded.schemaId, decoded: decoded.value }
      : decoded.kind === 'empty'
        ? null
        : {
            error: { kind: decoded.kind, class: decoded.errorClass, message: decoded.message },
            ...rawBytes(record.value ?? Buffer.alloc(0)),
          };
  return JSON.stringify(
    {
      dlqTopic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key === null ? null : bytesText(record.key),
      headers: headerTexts(record),
      valueBytes: record.value?.length ?? null,
      value,
    },
    jsonReplacer,
  );
}
