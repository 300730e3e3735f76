/** The end offsets of watched topics at one moment (sum over partitions). */
export interface OffsetSample {
  at: number;
  ends: ReadonlyMap<string, number>;
}

export interface RatePoint {
  at: number;
  perSecond: number;
}

/**
 * Records/s from successive end-offset samples: Kafka keeps no rate, but the difference of a
 * topic's end offsets over time is exactly the records written. Keeps `retainMs` of samples.
 */
export class RateHistory {
  private samples: OffsetSample[] = [];

  constructor(private readonly retainMs: number) {}

  add(sample: OffsetSample): void {
    this.samples.push(sample);
    const oldest = sample.at - this.retainMs;
    while (this.samples.length > 2 && (this.samples[1] as OffsetSample).at <= oldest) this.samples.shift();
  }

  latest(): OffsetSample | undefined {
    return this.samples.at(-1);
  }

  /**
   * Records/s of `topic` over the last `windowMs` (from the oldest sample inside it, or just
   * before it); `null` until two samples span some time or when the topic was not in both.
   */
  ratePerSecond(topic: string, windowMs: number): number | null {
    const last = this.samples.at(-1);
    if (!last) return null;
    const from = this.samples.find((sample) => sample.at >= last.at - windowMs && sample !== last);
    if (!from) return null;
    return rateBetween(from, last, topic);
  }

  /** One point per sample interval of the last `windowMs`: the chart's series for `topic`. */
  series(topic: string, windowMs: number): RatePoint[] {
    const last = this.samples.at(-1);
    if (!last) return [];
    const points: RatePoint[] = [];
    for (let index = 1; index < this.samples.length; index += 1) {
      const previous = this.samples[index - 1] as OffsetSample;
      const current = this.samples[index] as OffsetSample;
      if (current.at < last.at - windowMs) continue;
      const perSecond = rateBetween(previous, current, topic);
      if (perSecond !== null) points.push({ at: current.at, perSecond });
    }
    return points;
  }
}

function rateBetween(from: OffsetSample, to: OffsetSample, topic: string): number | null {
  const start = from.ends.get(topic);
  const end = to.ends.get(topic);
  const seconds = (to.at - from.at) / 1000;
  if (start === undefined || end === undefined || seconds <= 0) return null;
  // A recreated topic starts again from 0: no rate across that gap rather than a negative one.
  return end < start ? null : (end - start) / seconds;
}
