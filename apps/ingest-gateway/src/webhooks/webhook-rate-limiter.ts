import { Logger } from '@nestjs/common';
import { WEBHOOK_RATE_LIMIT_KEY_PREFIX } from '@opal/contracts';
import type { FixedWindowQuota } from '@opal/platform-idempotency';
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

/** A window's counter outlives its second a little, so a late hit of that second still counts. */
const WINDOW_TTL_MS = 2000;

/** Counts a hit in a fixed window: the idempotency store's `countQuota`. */
export interface QuotaCounter {
  countQuota(quota: FixedWindowQuota): Promise<number>;
}

/**
 * Per-source fixed one-second window in Redis, shared by every gateway replica. It protects the
 * pipeline, it is not a security boundary. A request about to be published is counted by the
 * quota-gated claim together with its delivery claim (`RedisDeliveryAdmission`, which takes its
 * quota and verdict from here); `consume` counts the requests refused before that (400, a
 * registry 503), so every authenticated request counts once, as before.
 *
 * When Redis is unreachable it follows the gateway's Redis fail mode (`IDEMPOTENCY_FAIL_MODE`):
 * the delivery claim needs the same Redis, so any other pairing would only move the 503 one step
 * later. An outage is logged once when it starts and once when it ends, whichever of the two
 * calls saw it; every unenforced check is counted.
 */
export class WebhookRateLimiter {
  private readonly logger = new Logger(WebhookRateLimiter.name);
  private unavailable = false;

  constructor(
    private readonly counter: QuotaCounter,
    private readonly options: WebhookRateLimiterOptions,
  ) {}

  /** `sourceId`'s quota in the window of `now`: one counter per source and second. */
  quota(sourceId: string, now = Date.now()): FixedWindowQuota {
    return { key: `${WEBHOOK_RATE_LIMIT_KEY_PREFIX}${sourceId}:${Math.floor(now / 1000)}`, limit: this.options.limitPerSecond, ttlMs: WINDOW_TTL_MS };
  }

  /** Counts a request that is not claimed with its quota (one refused before publishing). */
  async consume(sourceId: string, now = Date.now()): Promise<RateDecision> {
    let count: number;
    try {
      count = await this.counter.countQuota(this.quota(sourceId, now));
    } catch (error) {
      return this.unenforced(error);
    }
    return this.verdict(count <= this.options.limitPerSecond);
  }

  /** The verdict on a request Redis counted: counted as `allowed` or `limited`. */
  verdict(allowed: boolean): RateDecision {
    if (this.unavailable) {
      this.unavailable = false;
      this.logger.log('Redis reachable again: the webhook rate limit is enforced');
    }
    this.options.onCheck?.(allowed ? 'allowed' : 'limited');
    return { allowed, retryAfterSeconds: 1 };
  }

  /** Redis could not count: counted as `unavailable`; lets the request through (open) or throws the 503 (closed). */
  unenforced(error: unknown): RateDecision {
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
