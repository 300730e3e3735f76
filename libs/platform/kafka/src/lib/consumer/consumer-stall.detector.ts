/** One partition as the lag monitor sampled it from the broker. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The group's committed offset (`-1` before its first commit). */
  committed: string;
  lag: number;
}

/** A partition this member holds, with records waiting, whose committed offset has not moved. */
export interface StalledPartition {
  topic: string;
  partition: number;
  lag: number;
  committed: string;
  stalledForMs: number;
}

export interface ConsumerStallDetectorOptions {
  /** `CONSUMER_STALL_TIMEOUT_MS`: lag without a commit for this long is a stall; 0 turns detection off. */
  stallTimeoutMs: number;
  now?: () => number;
}

/**
 * Whether this member's consumption is stuck: a partition it holds has lag, yet the group's
 * committed offset on it has not moved for `stallTimeoutMs` (a kafkajs fetch loop that silently
 * stopped, a handler that never resolves). Judged only from the broker's numbers, so it sees a
 * stall the process itself cannot notice.
 *
 * Not a stall, and the clock starts again: no lag (idle), a partition this member does not hold,
 * consumption paused behind an open circuit breaker (a dependency outage; a restart would not
 * help), and a sample that could not be taken (Kafka unreachable is a readiness matter).
 */
export class ConsumerStallDetector {
  private readonly since = new Map<string, { committed: string; at: number }>();
  private current: StalledPartition[] = [];
  private readonly now: () => number;

  constructor(private readonly options: ConsumerStallDetectorOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.stallTimeoutMs > 0;
  }

  /**
   * One complete sample. `held` names the partitions assigned to this member (`topic:partition`);
   * `paused` is true while consumption is held back on purpose.
   */
  observe(samples: readonly PartitionProgress[], held: ReadonlySet<string>, paused: boolean): void {
    const at = this.now();
    const seen = new Set<string>();
    const stalled: StalledPartition[] = [];
    for (const sample of samples) {
      const id = `${sample.topic}:${sample.partition}`;
      if (paused || sample.lag <= 0 || !held.has(id)) continue;
      seen.add(id);
      const previous = this.since.get(id);
      if (!previous || previous.committed !== sample.committed) {
        this.since.set(id, { committed: sample.committed, at });
        continue;
      }
      const stalledForMs = at - previous.at;
      if (this.enabled && stalledForMs >= this.options.stallTimeoutMs)
        stalled.push({
          topic: sample.topic,
          partition: sample.partition,
          lag: sample.lag,
          committed: sample.committed,
          stalledForMs,
        });
    }
    for (const id of this.since.keys()) if (!seen.has(id)) this.since.delete(id);
    this.current = stalled;
  }

  /** A sample failed: what was known is stale, so nothing counts as stalled until the next one. */
  forget(): void {
    this.since.clear();
    this.current = [];
  }

  stalled(): StalledPartition[] {
    return [...this.current];
  }
}
