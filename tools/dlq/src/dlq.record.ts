import type { KafkaHeaders } from '@opal/contracts';
import type { RecordLocation } from './dlq.args';

/** A record as read from a DLQ topic: its place, and its key, value and headers byte for byte. */
export interface DlqRecord extends RecordLocation {
  /** Kafka's timestamp of the dead letter, epoch ms. */
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
