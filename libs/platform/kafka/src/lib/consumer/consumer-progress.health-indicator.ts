import { DependencyHealthIndicator } from '@opal/platform-health';
import type { StalledPartition } from './consumer-stall.detector';

/** What the liveness check reads of the consumer. */
export interface ConsumerProgress {
  stalledPartitions(): StalledPartition[];
}

/**
 * `consumer_progress` liveness: down while a partition this worker holds has lag and no commit for
 * `CONSUMER_STALL_TIMEOUT_MS` — a stall a restart cures. Outages of Kafka, Redis or the registry
 * never count (see `ConsumerStallDetector`), so they make the pod unready, not restarted.
 */
export class ConsumerProgressHealthIndicator extends DependencyHealthIndicator {
  constructor(private readonly consumer: ConsumerProgress) {
    super('consumer_progress');
  }

  protected async probe() {
    const stalled = this.consumer.stalledPartitions();
    if (stalled.length > 0) {
      const named = stalled.map(
        (p) => `${p.topic}[${p.partition}] lag ${p.lag}, no commit for ${Math.round(p.stalledForMs / 1000)} s`,
      );
      throw new Error(`consumer stalled: ${named.join('; ')}`);
    }
    return { stalledPartitions: 0 };
  }
}
