import {
  DLQ_HEADERS,
  InvalidDlqHeadersError,
  REPLAY_TARGET_GROUP_HEADER,
  readDlqHeaders,
  readHeaderText,
} from '@opal/contracts';
import type { DlqRecord } from './dlq.record';

/** One dead letter as a listing shows it: its place and its `x-dlq-*` header values as text. */
export interface DlqListRow {
  dlqTopic: string;
  partition: number;
  offset: string;
  eventId: string | null;
  originalTopic: string | null;
  originalPartition: string | null;
  originalOffset: string | null;
  originalTimestamp: string | null;
  consumerGroup: string | null;
  attempts: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  failedAt: string | null;
  /** Set when the dead letter is of a record replayed to that group before. */
  replayTargetGroup: string | null;
  /** Why the record is not a well-formed dead letter; empty when it is. */
  problems: string[];
}

/** How many records a listing read from one DLQ topic. */
export interface TopicCount {
  topic: string;
  /** Records read from the topic. */
  total: number;
  /** Of those, the ones of the group asked for (all of them when no group was). */
  matched: number;
}

/** A record's listing row; a record that is not a well-formed dead letter gets its `problems`, not an error. */
export function listRowOf(record: DlqRecord): DlqListRow {
  const text = (name: string) => readHeaderText(record.headers, name) ?? null;
  let problems: string[] = [];
  try {
    readDlqHeaders(record.headers);
  } catch (error) {
    if (!(error instanceof InvalidDlqHeadersError)) throw error;
    problems = [...error.problems];
  }
  return {
    dlqTopic: record.topic,
    partition: record.partition,
    offset: record.offset,
    eventId: text('event_id'),
    originalTopic: text(DLQ_HEADERS.originalTopic),
    originalPartition: text(DLQ_HEADERS.originalPartition),
    originalOffset: text(DLQ_HEADERS.originalOffset),
    originalTimestamp: text(DLQ_HEADERS.originalTimestamp),
    consumerGroup: text(DLQ_HEADERS.consumerGroup),
    attempts: text(DLQ_HEADERS.attempts),
    errorClass: text(DLQ_HEADERS.errorClass),
    errorMessage: text(DLQ_HEADERS.errorMessage),
    failedAt: text(DLQ_HEADERS.failedAt),
    replayTargetGroup: text(REPLAY_TARGET_GROUP_HEADER),
    problems,
  };
}
