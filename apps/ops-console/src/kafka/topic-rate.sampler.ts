import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { CHART_WINDOW_MS, OPS_CONSOLE_CONFIG } from '../ops-console.constants';
import { KafkaSession } from './kafka.session';
import { RateHistory } from './rate-history';
import { WATCHED_TOPICS } from './watched-topics';

/** Samples the watched topics' end offsets on a timer, so every page can show records/s at once. */
@Injectable()
export class TopicRateSampler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TopicRateSampler.name);
  readonly history = new RateHistory(CHART_WINDOW_MS + 60_000);
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly kafka: KafkaSession,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  onModuleInit(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.console.sampleIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sample(now = Date.now): Promise<void> {
    try {
      const { admin } = await this.kafka.get();
      const existing = new Set(await admin.listTopics());
      const topics = WATCHED_TOPICS.map(({ topic }) => topic).filter((topic) => existing.has(topic));
      const offsets = await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
      const ends = new Map(topics.map((topic, index) => [topic, sumHigh(offsets[index] ?? [])]));
      this.history.add({ at: now(), ends });
      if (this.failing) this.logger.log('sampling end offsets again');
      this.failing = false;
    } catch (error) {
      // One line per outage, not one per tick.
      if (!this.failing) this.logger.warn(`cannot sample end offsets: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }
}

export const sumHigh = (partitions: ReadonlyArray<{ high: string }>): number =>
  partitions.reduce((sum, { high }) => sum + Number(high), 0);
