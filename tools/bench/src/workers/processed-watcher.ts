import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { sleep } from './interruptible';

/** The shortest gap between two checks of one event. */
export const PROCESSED_POLL_MS = 5;
/**
 * An event waiting for a while is checked less often: every max(5 ms, 5% of its age). The
 * latency is then exact to that plus one Redis round trip, and the polling load stays small even
 * when thousands are outstanding (a bench that floods Redis would slow the worker it measures).
 */
const RECHECK_AGE_SHARE = 0.05;
const KEYS_PER_MGET = 1_000;

export interface ProcessedResults {
  /** Latency of each counted event seen processed, in ms (processed seen − accepted). */
  latenciesMs: number[];
  /** Counted events not seen processed within the deadline after their acceptance. */
  notProcessed: number;
  /** When (performance.now()) the last counted event was seen processed. */
  lastProcessedAt: number | null;
}

interface Pending {
  acceptedAt: number;
  nextCheckAt: number;
  counted: boolean;
}

/**
 * Detects "processed" by the worker's own side effect: a key it writes in the same atomic step
 * that applies the event (diagnostics: its applied marker, in the workflow's shard). Every 5 ms it asks Redis, with
 * MGET, about the outstanding events that are due for a check.
 */
export class ProcessedWatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly results: ProcessedResults = { latenciesMs: [], notProcessed: 0, lastProcessedAt: null };
  private loop: Promise<void> | undefined;
  private running = false;
  private failure: unknown;
  private seenCount = 0;

  constructor(
    private readonly redis: Redis,
    private readonly deadlineMs: number,
  ) {}

  /** `key`: what the worker writes when it applies the event. `counted`: false for warm-up events, which are waited for but left out of the results. */
  expect(key: string, acceptedAt: number, counted: boolean): void {
    this.pending.set(key, { acceptedAt, nextCheckAt: acceptedAt, counted });
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Events seen processed so far, warm-up included. */
  get seen(): number {
    return this.seenCount;
  }

  start(signal: AbortSignal): void {
    this.running = true;
    this.loop = this.poll(signal);
  }

  /** Waits until nothing is outstanding (each event at most its deadline), then stops polling. */
  async finish(signal: AbortSignal): Promise<ProcessedResults> {
    while (this.pending.size > 0) {
      if (this.failure !== undefined) throw this.failure;
      await sleep(PROCESSED_POLL_MS, signal);
    }
    await this.stop();
    return this.results;
  }

  stop(): Promise<void> {
    this.running = false;
    return this.loop ?? Promise.resolve();
  }

  /** Never rejects: a Redis failure is kept for `finish` to throw, an interrupt just ends the loop. */
  private async poll(signal: AbortSignal): Promise<void> {
    try {
      while (this.running) {
        await this.checkDue();
        await sleep(PROCESSED_POLL_MS, signal);
      }
    } catch (error) {
      if (!signal.aborted) this.failure = error;
    }
  }

  private async checkDue(): Promise<void> {
    const now = performance.now();
    const due = [...this.pending].filter(([, entry]) => entry.nextCheckAt <= now).map(([id]) => id);
    for (let from = 0; from < due.length; from += KEYS_PER_MGET) {
      const keys = due.slice(from, from + KEYS_PER_MGET);
      const values = await this.redis.mget(keys);
      this.settle(keys, values, performance.now());
    }
  }

  private settle(ids: readonly string[], values: ReadonlyArray<string | null>, now: number): void {
    ids.forEach((id, i) => {
      const entry = this.pending.get(id);
      if (!entry) return;
      const age = now - entry.acceptedAt;
      if (values[i] !== null) {
        this.pending.delete(id);
        this.seenCount += 1;
        if (!entry.counted) return;
        this.results.latenciesMs.push(age);
        this.results.lastProcessedAt = now;
      } else if (age > this.deadlineMs) {
        this.pending.delete(id);
        if (entry.counted) this.results.notProcessed += 1;
      } else {
        entry.nextCheckAt = now + Math.max(PROCESSED_POLL_MS, age * RECHECK_AGE_SHARE);
      }
    });
  }
}
