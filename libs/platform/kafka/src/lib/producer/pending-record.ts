import { KafkaUnavailableError } from './event-producer.errors';
import type { EventRecord, ProducedHook, RecordPosition } from './event-producer.types';

/** Rough wire size of a record before compression: key, value, header names and values. */
export function recordBytes(record: EventRecord): number {
  let bytes = Buffer.byteLength(record.key ?? '') + record.value.length;
  for (const [name, value] of Object.entries(record.headers))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/**
 * One caller's record between `send` and its outcome. It settles exactly once: acknowledged,
 * failed, or timed out at its own deadline, whichever comes first; later outcomes are ignored.
 */
export class PendingRecord {
  readonly promise: Promise<RecordPosition>;
  readonly bytes: number;
  /** `Date.now()` when `send` was called. */
  readonly enqueuedAt = Date.now();
  /** `Date.now()` after which the record has failed. */
  readonly deadline: number;
  private readonly startedAt = process.hrtime.bigint();
  private readonly timer: NodeJS.Timeout;
  private done = false;
  private resolvePromise!: (position: RecordPosition) => void;
  private rejectPromise!: (error: Error) => void;

  constructor(
    readonly record: EventRecord,
    timeoutMs: number,
    private readonly onSettled?: ProducedHook,
  ) {
    this.bytes = recordBytes(record);
    this.deadline = this.enqueuedAt + timeoutMs;
    this.promise = new Promise<RecordPosition>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    this.timer = setTimeout(
      () => this.fail(new KafkaUnavailableError(`Kafka did not acknowledge the record within ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.timer.unref();
  }

  get settled(): boolean {
    return this.done;
  }

  succeed(position: RecordPosition): void {
    if (this.settle('success')) this.resolvePromise(position);
  }

  fail(error: Error): void {
    if (this.settle('failure')) this.rejectPromise(error);
  }

  private settle(result: 'success' | 'failure'): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.timer);
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    try {
      this.onSettled?.(this.record.topic, result, seconds);
    } catch {
      // A metrics hook must never change a caller's outcome.
    }
    return true;
  }
}
