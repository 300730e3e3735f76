/**
 * ARCHITECTURE.md §4: the headers a dead letter in `<topic>.dlq` carries on top of the original
 * record's, and the headers of a record replayed from there to its source topic.
 */
export const DLQ_HEADERS = {
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  originalTimestamp: 'x-dlq-original-timestamp',
  consumerGroup: 'x-dlq-consumer-group',
  attempts: 'x-dlq-attempts',
  errorClass: 'x-dlq-error-class',
  errorMessage: 'x-dlq-error-message',
  failedAt: 'x-dlq-failed-at',
} as const;

/** Every `x-dlq-*` header starts with it; a repeated failure replaces them rather than piling up. */
export const DLQ_HEADER_PREFIX = 'x-dlq-';

/** The consumer group a replayed record is addressed to; every other group skips it. */
export const REPLAY_TARGET_GROUP_HEADER = 'x-replay-target-group';

/** Where a replayed record came from: `<dlqTopic>:<partition>:<offset>`. */
export const REPLAY_OF_HEADER = 'x-replay-of';

/**
 * A Kafka header value as clients hand it over (kafkajs: `Buffer | string | (Buffer | string)[]`),
 * typed structurally so the contracts stay free of any client library.
 */
export type KafkaHeaderValue = string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined;

/** A record's headers by name. */
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/** The `x-dlq-*` facts of a dead letter, parsed and checked. */
export interface DlqHeaders {
  originalTopic: string;
  originalPartition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string Kafka clients use. */
  originalOffset: string;
  /** The source record's timestamp, epoch ms as a decimal string. */
  originalTimestamp: string;
  consumerGroup: string;
  attempts: number;
  errorClass: string;
  errorMessage: string;
  /** ISO 8601. */
  failedAt: string;
}

/** A record's headers lack `x-dlq-*` facts or hold malformed ones; `problems` names each header. */
export class InvalidDlqHeadersError extends Error {
  override readonly name = 'InvalidDlqHeadersError';

  constructor(readonly problems: readonly string[]) {
    super(`not a valid dead letter: ${problems.join('; ')}`);
  }
}

const utf8 = new TextDecoder();

/** A header's value as UTF-8 text; the first value of a repeated header; `undefined` when absent. */
export function readHeaderText(headers: KafkaHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = typeof raw === 'string' || raw instanceof Uint8Array ? raw : raw?.[0];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : utf8.decode(value);
}

const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;

/**
 * Reads the `x-dlq-*` headers of a dead letter into a typed object.
 *
 * @throws InvalidDlqHeadersError naming every missing or malformed header.
 */
export function readDlqHeaders(headers: KafkaHeaders | undefined): DlqHeaders {
  const problems: string[] = [];
  const text = (
    name: string,
    valid: (value: string) => boolean = (value) => value.length > 0,
    expected = 'a non-empty value',
  ) => {
    const value = readHeaderText(headers, name);
    if (value === undefined) problems.push(`${name} is missing`);
    else if (!valid(value)) problems.push(`${name}=${JSON.stringify(value)}: expected ${expected}`);
    return value ?? '';
  };
  const isCount = (min: number) => (v: string) => DIGITS.test(v) && Number(v) >= min && Number.isSafeInteger(Number(v));
  // Read in header order, so the problems come out in the order the contract lists the headers.
  const originalTopic = text(DLQ_HEADERS.originalTopic);
  const originalPartition = text(DLQ_HEADERS.originalPartition, isCount(0), 'a partition number');
  const originalOffset = text(DLQ_HEADERS.originalOffset, (v) => DIGITS.test(v), 'an offset');
  const originalTimestamp = text(DLQ_HEADERS.originalTimestamp, (v) => SIGNED_DIGITS.test(v), 'epoch milliseconds');
  const consumerGroup = text(DLQ_HEADERS.consumerGroup);
  const attempts = text(DLQ_HEADERS.attempts, isCount(1), 'a positive integer');
  const errorClass = text(DLQ_HEADERS.errorClass);
  // A failure may come without a message; only a missing header is a problem.
  const errorMessage = text(DLQ_HEADERS.errorMessage, () => true);
  const failedAt = text(DLQ_HEADERS.failedAt, (v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 timestamp');
  if (problems.length > 0) throw new InvalidDlqHeadersError(problems);
  return {
    originalTopic,
    originalPartition: Number(originalPartition),
    originalOffset,
    originalTimestamp,
    consumerGroup,
    attempts: Number(attempts),
    errorClass,
    errorMessage,
    failedAt,
  };
}
