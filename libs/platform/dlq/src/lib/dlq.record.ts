import type { KafkaHeaders } from '@opal/contracts';

/** A record's place in a partition; offsets are 64-bit, so kept as decimal strings. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface RecordLocation extends PartitionOffset {
  topic: string;
}

/** A record as read from a topic (a DLQ or any other): its place, and its key, value and headers byte for byte. */
export interface DlqRecord extends RecordLocation {
  /** Kafka's timestamp of the record, epoch ms. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}

/** `<topic>:<partition>:<offset>`, the selector `show` takes and `x-replay-of` carries. */
export const locationText = (location: RecordLocation): string =>
  `${location.topic}:${location.partition}:${location.offset}`;

/** Topic, then partition, then offset (numerically: offsets are 64-bit decimal strings). */
export function compareLocations(a: RecordLocation, b: RecordLocation): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  const difference = BigInt(a.offset) - BigInt(b.offset);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
