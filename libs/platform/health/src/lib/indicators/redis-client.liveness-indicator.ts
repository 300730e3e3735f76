import { HEALTH_KEYS } from '../health.constants';
import { DependencyHealthIndicator } from './dependency.health-indicator';

/** What the check reads of an ioredis client. */
export interface RedisClientState {
  readonly status: string;
}

/**
 * `redis_client` liveness: down once the app's ioredis client has ended, i.e. stopped
 * reconnecting for good. ioredis does that in a few cases besides a deliberate quit (a Sentinel
 * connector closed while it reconnects was one), and then only a restart gives this process Redis
 * back. A Redis outage keeps the client reconnecting: that is readiness' business, never liveness'.
 */
export class RedisClientLivenessIndicator extends DependencyHealthIndicator {
  constructor(private readonly redis: RedisClientState) {
    super(HEALTH_KEYS.redisClient);
  }

  protected async probe(): Promise<void> {
    if (this.redis.status === 'end') throw new Error('the Redis client has ended and no longer reconnects: a restart is needed');
  }
}
