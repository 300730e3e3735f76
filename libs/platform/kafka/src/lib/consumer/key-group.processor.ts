import type { ConsumeOutcome } from '@opal/platform-observability';
import type { DecodeResult } from '@opal/platform-schema-registry';
import { REPLAY_TARGET_GROUP_HEADER, readHeaderText } from '@opal/contracts';
import type { SourceRecord } from './dead-letter.record';
import type { DependencyGuard } from './dependency.guard';
import { DUPLICATE } from './handler-outcome';
import type { RecordProcessor, RecordResult } from './record.processor';

/** Calls a key-group handler: the group's decoded events in offset order, and its first record. */
export type KeyGroupCall = (events: unknown[], first: SourceRecord) => Promise<unknown>;

export interface KeyGroupProcessorOptions {
  group: string;
  onOutcome?: (topic: string, outcome: ConsumeOutcome, durationSeconds?: number) => void;
  now?: () => number;
}

/**
 * One key's records of a batch in one handler call (`KeyGroupPattern`). The fast path needs every
 * record decoded and addressed to this group; anything else, and any failure of the call, hands
 * the records to the `RecordProcessor` one at a time, in offset order, so retries, dead letters,
 * skips and pauses keep their per-record rules. A failed group call may have applied some events:
 * their apply-once scripts recognise them on the second pass, which counts them as duplicates.
 */
export class KeyGroupProcessor {
  private readonly now: () => number;

  constructor(
    private readonly records: RecordProcessor,
    private readonly guard: DependencyGuard,
    private readonly options: KeyGroupProcessorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async process(
    records: readonly SourceRecord[],
    decoded: readonly DecodeResult[],
    call: KeyGroupCall,
  ): Promise<RecordResult[]> {
    if (records.length > 1 && this.guard.available && records.every((record, i) => this.isPlain(record, decoded[i]))) {
      const started = this.now();
      const outcomes = await this.guard
        .run('redis', () =>
          call(
            decoded.map((result) => result.decoded?.value),
            records[0] as SourceRecord,
          ),
        )
        .catch(() => undefined);
      if (Array.isArray(outcomes) && outcomes.length === records.length) {
        const seconds = (this.now() - started) / 1000;
        records.forEach((record, i) =>
          outcomes[i] === DUPLICATE
            ? this.options.onOutcome?.(record.topic, 'duplicate')
            : this.options.onOutcome?.(record.topic, 'processed', seconds),
        );
        return records.map(() => 'done');
      }
    }
    return this.oneByOne(records, decoded);
  }

  private async oneByOne(records: readonly SourceRecord[], decoded: readonly DecodeResult[]): Promise<RecordResult[]> {
    const results: RecordResult[] = [];
    for (let i = 0; i < records.length; i += 1) {
      const result = await this.records.process(records[i] as SourceRecord, decoded[i]);
      results.push(result);
      if (result === 'paused') break;
    }
    while (results.length < records.length) results.push('paused');
    return results;
  }

  private isPlain(record: SourceRecord, decoded: DecodeResult | undefined): boolean {
    if (!decoded?.decoded) return false;
    const target = readHeaderText(record.headers, REPLAY_TARGET_GROUP_HEADER);
    return target === undefined || target === this.options.group;
  }
}
