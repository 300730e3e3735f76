import { Logger } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { PartitionProgress } from './consumer-stall.detector';

export type LagAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchOffsets' | 'fetchTopicOffsets'>;

/** Told of each whole sample, or that one failed (the stall detector listens). */
export interface LagSampleListener {
  sampled(samples: PartitionProgress[]): void;
  failed(): void;
}

/**
 * Samples the group's lag per partition (end offset minus committed offset; a partition the group
 * never committed counts from its start) and reports it for `opal_consumer_lag`. Sampling from the
 * broker, not from fetched batches, keeps the gauge true while the consumer is paused or idle.
 */
export class ConsumerLagMonitor {
  private readonly logger = new Logger(ConsumerLagMonitor.name);
  private timer?: NodeJS.Timeout;
  private connected?: Promise<void>;
  private sampling?: Promise<void>;

  constructor(
    private readonly admin: LagAdmin,
    private readonly group: string,
    private readonly topics: () => string[],
    private readonly report: (topic: string, partition: number, lag: number) => void,
    private readonly intervalMs: number,
    private readonly listener?: LagSampleListener,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
    void this.sample();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }

  /** One sample of every subscribed partition; failures are logged at debug and retried next tick. */
  sample(): Promise<void> {
    this.sampling ??= this.sampleOnce().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async sampleOnce(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    try {
      this.connected ??= this.admin.connect();
      await this.connected;
      const committed = await this.admin.fetchOffsets({ groupId: this.group, topics });
      const samples: PartitionProgress[] = [];
      for (const { topic, partitions } of committed) {
        const ends = await this.admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const offset = partitions.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
          const from = Number(offset) >= 0 ? Number(offset) : Number(end.low);
          const lag = Math.max(0, Number(end.high) - from);
          this.report(topic, end.partition, lag);
          samples.push({ topic, partition: end.partition, committed: offset, lag });
        }
      }
      this.listener?.sampled(samples);
    } catch (error) {
      this.listener?.failed();
      this.connected = undefined;
      this.logger.debug({ err: error }, 'consumer lag sample failed');
    }
  }
}
