import type { IHeaders } from 'kafkajs';
import { DLQ_HEADERS, dlqTopicOf, readHeaderText } from '@opal/contracts';
import type { EventRecord } from '../producer/event-producer.types';

/** The consumed record as the dead-letter writer needs it. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface FailureFacts {
  group: string;
  attempts: number;
  errorClass: string;
  errorMessage: string;
  failedAt: Date;
}

/** Header values as strings; the first of a repeated header. */
export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = readHeaderText(headers, name);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/**
 * The dead letter of a record: same partition number in `<topic>.dlq`, same key, same value bytes,
 * the original headers, and the `x-dlq-*` facts of this failure replacing those of an earlier one.
 */
export function deadLetterRecord(source: SourceRecord, failure: FailureFacts): EventRecord {
  const kept = Object.fromEntries(
    Object.entries(headersAsStrings(source.headers)).filter(([name]) => !name.startsWith('x-dlq-')),
  );
  return {
    topic: dlqTopicOf(source.topic),
    partition: source.partition,
    key: source.key === null ? null : source.key.toString('utf8'),
    value: source.value ?? Buffer.alloc(0),
    headers: {
      ...kept,
      [DLQ_HEADERS.originalTopic]: source.topic,
      [DLQ_HEADERS.originalPartition]: String(source.partition),
      [DLQ_HEADERS.originalOffset]: source.offset,
      [DLQ_HEADERS.originalTimestamp]: source.timestamp,
      [DLQ_HEADERS.consumerGroup]: failure.group,
      [DLQ_HEADERS.attempts]: String(failure.attempts),
      [DLQ_HEADERS.errorClass]: failure.errorClass,
      [DLQ_HEADERS.errorMessage]: failure.errorMessage,
      [DLQ_HEADERS.failedAt]: failure.failedAt.toISOString(),
    },
  };
}
