import { Logger } from '@nestjs/common';
import type { ConsumeOutcome } from '@opal/platform-observability';
import type { EventRecord, RecordPosition } from '../producer/event-producer.types';
import { NoHandlerError } from './consumer.errors';
import { DUPLICATE } from './handler-outcome';
import { REPLAY_TARGET_GROUP_HEADER, readHeaderText } from '@opal/contracts';
import type { DecodeResult } from '@opal/platform-schema-registry';
import { deadLetterRecord, headersAsStrings, type SourceRecord } from './dead-letter.record';
import type { DependencyGuard } from './dependency.guard';
import { describeFailure } from './failure.description';
import { failureKindOf } from './failure.kind';
import { backoffDelayMs, type BackoffOptions } from './retry.backoff';

/** What the processor needs of the transport: decode a record, find and run its handler. */
export interface RecordPorts {
  /** Decodes the value (Schema Registry); rejects with the registry's typed errors. */
  decode(record: SourceRecord): Promise<unknown>;
  /** The handler for the record's topic, or `undefined` when none is registered. */
  handlerFor(topic: string): ((data: unknown, record: SourceRecord) => Promise<unknown>) | undefined;
  /** Writes a dead letter with acks=all. */
  publishDeadLetter(record: EventRecord): Promise<RecordPosition>;
}

export interface RecordProcessorOptions {
  group: string;
  maxAttempts: number;
  backoff: BackoffOptions;
  /** How long to keep waiting for a claim another consumer holds, before that counts as a failed attempt. */
  inFlightWaitMs: number;
  onOutcome?: (topic: string, outcome: ConsumeOutcome, durationSeconds?: number) => void;
  /** Waits between attempts; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock of `x-dlq-failed-at` and of handler durations; defaults to `Date.now`. */
  now?: () => number;
  /** The jitter draw of the backoff, in [0, 1); defaults to `Math.random`. */
  random?: () => number;
}

/** `done`: commit past it (processed, duplicate, skipped or dead-lettered); `paused`: leave it for later. */
export type RecordResult = 'done' | 'paused';

/**
 * The life of one record: skip a replay addressed to another group, route, decode, handle (the
 * handler says whether it applied the event or found it applied already), retry transient failures with backoff and jitter, dead-letter what
 * cannot succeed, and give up (without committing or dead-lettering) when a downstream is down, so
 * that the consumer pauses.
 */
export class RecordProcessor {
  private readonly logger = new Logger(RecordProcessor.name);
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly ports: RecordPorts,
    private readonly guard: DependencyGuard,
    private readonly options: RecordProcessorOptions,
    /** Checked between attempts: a consumer that is stopping leaves the record uncommitted. */
    private readonly keepGoing: () => boolean = () => true,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * @param decoded the value decoded with its batch (or the error that gave), used by the first
   *   attempt; retries decode again, since the failure may have been the registry's.
   */
  async process(record: SourceRecord, decoded?: DecodeResult): Promise<RecordResult> {
    let attempts = 0;
    let inFlightWaited = 0;
    let predecoded = decoded;
    for (;;) {
      attempts += 1;
      const started = this.now();
      const firstDecode = predecoded;
      predecoded = undefined;
      try {
        const outcome = await this.attempt(record, firstDecode);
        this.options.onOutcome?.(record.topic, outcome, outcome === 'processed' ? (this.now() - started) / 1000 : undefined);
        return 'done';
      } catch (error) {
        const failure = failureKindOf(error);
        switch (failure.kind) {
          case 'dependency':
            this.guard.trip(failure.dependency, error);
            return 'paused';
          case 'permanent':
            return this.deadLetter(record, error, attempts);
          case 'in-flight': {
            if (inFlightWaited < this.options.inFlightWaitMs) {
              attempts -= 1;
              const delay = Math.max(50, backoffDelayMs(2, this.options.backoff, this.random));
              inFlightWaited += delay;
              await this.sleep(delay);
              if (!this.keepGoing()) return 'paused';
              continue;
            }
            if (attempts >= this.options.maxAttempts) return this.deadLetter(record, error, attempts);
            break;
          }
          case 'transient':
            if (attempts >= this.options.maxAttempts) return this.deadLetter(record, error, attempts);
            break;
          default: {
            const unknownKind: never = failure;
            throw new TypeError(`unknown failure kind ${JSON.stringify(unknownKind)}`);
          }
        }
        this.options.onOutcome?.(record.topic, 'retried');
        this.logger.warn({ ...this.identify(record), attempt: attempts, err: error }, 'processing failed: retrying');
        await this.sleep(backoffDelayMs(attempts, this.options.backoff, this.random));
        if (!this.keepGoing()) return 'paused';
      }
    }
  }

  private async attempt(record: SourceRecord, decoded: DecodeResult | undefined): Promise<ConsumeOutcome> {
    const target = readHeaderText(record.headers, REPLAY_TARGET_GROUP_HEADER);
    if (target !== undefined && target !== this.options.group) return 'skipped';
    const handler = this.ports.handlerFor(record.topic);
    if (!handler) throw new NoHandlerError(record.topic);
    const data = decoded ? this.fromBatch(decoded) : await this.guard.run('schema-registry', () => this.ports.decode(record));
    const result = await this.guard.run('redis', () => handler(data, record));
    return result === DUPLICATE ? 'duplicate' : 'processed';
  }

  /** What the batch decode gave; a registry failure then pauses like a failed call would (see `process`). */
  private fromBatch(decoded: DecodeResult): unknown {
    if (decoded.error) throw decoded.error;
    return decoded.decoded.value;
  }

  private async deadLetter(record: SourceRecord, error: unknown, attempts: number): Promise<RecordResult> {
    const { errorClass, message } = describeFailure(error);
    const letter = deadLetterRecord(record, {
      group: this.options.group,
      attempts,
      errorClass,
      errorMessage: message,
      failedAt: new Date(this.now()),
    });
    try {
      await this.guard.run('kafka', () => this.ports.publishDeadLetter(letter));
    } catch (publishError) {
      // Whatever the cause, the record stays uncommitted; the Kafka breaker spaces out the next try.
      const failure = failureKindOf(publishError);
      this.logger.error({ ...this.identify(record), err: publishError }, 'could not write the dead letter: will try again');
      this.guard.trip(failure.kind === 'dependency' ? failure.dependency : 'kafka', publishError);
      return 'paused';
    }
    this.options.onOutcome?.(record.topic, 'dead_lettered');
    this.logger.error({ ...this.identify(record), attempts, error_class: errorClass, dlq_topic: letter.topic }, 'record dead-lettered');
    return 'done';
  }

  /** Ids for logs: position and the contract's ids from the headers; never the payload (PII). */
  private identify(record: SourceRecord) {
    const headers = headersAsStrings(record.headers);
    return {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key?.toString('utf8'),
      event_id: headers['event_id'],
      correlation_id: headers['correlation_id'],
    };
  }
}
