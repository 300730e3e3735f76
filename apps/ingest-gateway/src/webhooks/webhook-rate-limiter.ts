import type Redis from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

// INCR and the first-hit expiry in one atomic step, so replicas share one exact count per window.
const CONSUME = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

/**
 * Per-source fixed one-second window in Redis, shared by every gateway replica. It protects the
 * pipeline, it is not a security boundary: when Redis is unreachable requests are let through.
 */
export class WebhookRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limitPerSecond: number,
    private readonly onUnavailable: (error: unknown) => void = () => undefined,
  ) {}

  async consume(sourceId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / 1000);
    try {
      const count = Number(await this.redis.eval(CONSUME, 1, `opal:ratelimit:webhook:${sourceId}:${window}`, 2000));
      return { allowed: count <= this.limitPerSecond, retryAfterSeconds: 1 };
    } catch (error) {
      this.onUnavailable(error);
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }
}
