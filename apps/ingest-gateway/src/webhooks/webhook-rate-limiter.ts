import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RateLimitCheckResult } from '@opal/platform-observability';
import { DependencyUnavailableError, type RedisFailMode } from './webhook.ports';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface WebhookRateLimiterOptions {
  limitPerSecond: number;
  /** What an unreachable Redis means: `open` lets requests through unlimited, `closed` refuses them (503). */
  failMode: RedisFailMode;
  onCheck?: (result: RateLimitCheckResult) => void;
}

// INCR and the first-hit expiry in one atomic step, so replicas share one exact count per window.
const CONSUME_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;
/** Defined on the client with `defineCommand`, so each call is an EVALSHA, not the script's text. */
const CONSUME_COMMAND = 'opalWebhookRateConsume';
const WINDOW_TTL_MS = 2000;

type RateLimitRedis = Redis & { [CONSUME_COMMAND](key: string, ttlMs: number): Promise<number> };

/**
 * Per-source fixed one-second window in Redis, shared by every gateway replica. It protects the
 * pipeline, it is not a security boundary. When Redis is unreachable it follows the gateway's
 * Redis fail mode (`IDEMPOTENCY_FAIL_MODE`): the delivery claim that comes next needs the same
 * Redis, so any other pairing would only move the 503 one step later. An outage is logged once
 * when it starts and once when it ends; every unenforced check is counted.
 */
export class WebhookRateLimiter {
  private readonly logger = new Logger(WebhookRateLimiter.name);
  private readonly redis: RateLimitRedis;
  private unavailable = false;

  constructor(
    redis: Redis,
    private readonly options: WebhookRateLimiterOptions,
  ) {
    redis.defineCommand(CONSUME_COMMAND, { numberOfKeys: 1, lua: CONSUME_SCRIPT });
    this.redis = redis as RateLimitRedis;
  }

  async consume(sourceId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / 1000);
    let count: number;
    try {
      count = Number(await this.redis[CONSUME_COMMAND](`opal:ratelimit:webhook:${sourceId}:${window}`, WINDOW_TTL_MS));
    } catch (error) {
      return this.whenUnavailable(error);
    }
    if (this.unavailable) {
      this.unavailable = false;
      this.logger.log('Redis reachable again: the webhook rate limit is enforced');
    }
    const allowed = count <= this.options.limitPerSecond;
    this.options.onCheck?.(allowed ? 'allowed' : 'limited');
    return { allowed, retryAfterSeconds: 1 };
  }

  private whenUnavailable(error: unknown): RateDecision {
    this.options.onCheck?.('unavailable');
    const open = this.options.failMode === 'open';
    if (!this.unavailable) {
      this.unavailable = true;
      const consequence = open ? 'requests pass without a rate limit' : 'requests are refused with 503';
      this.logger.warn({ err: error, fail_mode: this.options.failMode }, `Redis unavailable: ${consequence} (IDEMPOTENCY_FAIL_MODE=${this.options.failMode})`);
    }
    if (!open) throw new DependencyUnavailableError('redis', { cause: error });
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
