import { HEALTH_KEYS } from '../health.constants';
import { DependencyHealthIndicator } from './dependency.health-indicator';

/** What the indicator needs of an ioredis client (`Redis` or `Cluster`). */
export interface RedisPingClient {
  readonly status: string;
  ping(): Promise<unknown>;
}

export interface RedisHealthIndicatorOptions {
  key?: string;
  timeoutMs?: number;
}

/** ioredis states of a connection known to be broken: answering at once beats waiting out the deadline. */
const BROKEN_STATES = new Set(['close', 'reconnecting', 'end']);

/**
 * Redis readiness: `PING` on the app's own client. A client still connecting gets the deadline
 * to finish (start-up); one that lost its connection is down at once.
 */
export class RedisHealthIndicator extends DependencyHealthIndicator {
  constructor(
    private readonly redis: RedisPingClient,
    options: RedisHealthIndicatorOptions = {},
  ) {
    super(options.key ?? HEALTH_KEYS.redis, options.timeoutMs);
  }

  protected async probe(): Promise<void> {
    if (BROKEN_STATES.has(this.redis.status)) throw new Error(`Redis connection is ${this.redis.status}`);
    await this.redis.ping();
  }
}
