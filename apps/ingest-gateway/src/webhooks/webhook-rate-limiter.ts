import type Redis from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

// INCR and the first-hit expiry in one atomic step, so replicas share one exact count per window.
const CONSUME_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;
/** Defined on the client with `defineCommand`, so each call is an EVALSHA, not the script's text. */
const CONSUME_COMMAND = 'opalWebhookRateConsume';
const WINDOW_TTL_MS = 2000;

type RateLimitRedis = Redis & { [CONSUME_COMMAND](key: string, ttlMs: number): Promise<number> };

/**
 * Per-source fixed one-second window in Redis, shared by every gateway replica. It protects the
 * pipeline, it is not a security boundary: when Redis is unreachable requests are let through.
 */
export class WebhookRateLimiter {
  private readonly redis: RateLimitRedis;

  constructor(
    redis: Redis,
    private readonly limitPerSecond: number,
    private readonly onUnavailable: (error: unknown) => void = () => undefined,
  ) {
    redis.defineCommand(CONSUME_COMMAND, { numberOfKeys: 1, lua: CONSUME_SCRIPT });
    this.redis = redis as RateLimitRedis;
  }

  async consume(sourceId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / 1000);
    try {
      const count = Number(await this.redis[CONSUME_COMMAND](`opal:ratelimit:webhook:${sourceId}:${window}`, WINDOW_TTL_MS));
      return { allowed: count <= this.limitPerSecond, retryAfterSeconds: 1 };
    } catch (error) {
      this.onUnavailable(error);
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }
}
