import type { PendingRecord } from './pending-record';

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/** The records waiting for the next flush, oldest first, with their count and byte size. */
export class RecordAccumulator {
  private records: PendingRecord[] = [];
  private byteSize = 0;

  constructor(private readonly limits: BatchLimits) {}

  get size(): number {
    return this.records.length;
  }

  /** When the oldest waiting record arrived (`Date.now()` scale), if any is waiting. */
  get oldestEnqueuedAt(): number | undefined {
    return this.records[0]?.enqueuedAt;
  }

  push(record: PendingRecord): void {
    this.records.push(record);
    this.byteSize += record.bytes;
  }

  /** A full batch is waiting: flush now rather than linger. */
  isFull(): boolean {
    return this.records.length >= this.limits.maxRecords || this.byteSize >= this.limits.maxBytes;
  }

  /**
   * Removes and returns the next batch in arrival order: at most `maxRecords` records and
   * `maxBytes` bytes, but always at least one record if any is waiting. Records that already
   * settled (timed out while queued) are dropped, never sent.
   */
  take(): PendingRecord[] {
    const batch: PendingRecord[] = [];
    let bytes = 0;
    let index = 0;
    for (; index < this.records.length && batch.length < this.limits.maxRecords; index++) {
      const record = this.records[index] as PendingRecord;
      if (record.settled) continue;
      if (batch.length > 0 && bytes + record.bytes > this.limits.maxBytes) break;
      batch.push(record);
      bytes += record.bytes;
    }
    const rest = this.records.slice(index);
    this.records = rest;
    this.byteSize = rest.reduce((sum, record) => sum + record.bytes, 0);
    return batch;
  }
}
