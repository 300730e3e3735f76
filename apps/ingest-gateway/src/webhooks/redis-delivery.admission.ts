import { Logger } from '@nestjs/common';
import { IdempotencyStoreUnavailableError, type FixedWindowQuota, type IdempotencyClaimOptions, type QuotaGatedClaim } from '@opal/platform-idempotency';
import { UNTRACKED, WEBHOOK_SCOPE } from './redis-delivery.ledger';
import type { WebhookRateLimiter } from './webhook-rate-limiter';
import type { AcceptedEvent, Admission, DeliveryAdmission } from './webhook.ports';

/** The idempotency store's quota-gated claim. */
export interface QuotaGatedClaimer {
  claimWithinQuota<TResult>(scope: string, key: string, quota: FixedWindowQuota, options?: IdempotencyClaimOptions): Promise<QuotaGatedClaim<TResult>>;
}

export interface DeliveryAdmissionOptions {
  leaseMs: number;
}

/**
 * The rate limit and the delivery claim of a request about to be published, as one Redis script
 * (the store's `claimWithinQuota`) instead of two round trips. The limiter keeps what it owned:
 * the window, the verdict, the outage log and the `opal_rate_limit_checks_total` count; the store
 * counts the claim in `opal_idempotency_checks_total`. With Redis unreachable, fail-closed is the
 * limiter's 503; fail-open lets the request through without a rate limit and without dedupe.
 */
export class RedisDeliveryAdmission implements DeliveryAdmission {
  private readonly logger = new Logger(RedisDeliveryAdmission.name);

  constructor(
    private readonly store: QuotaGatedClaimer,
    private readonly limiter: WebhookRateLimiter,
    private readonly options: DeliveryAdmissionOptions,
  ) {}

  async admit(sourceId: string, deliveryId: string, fingerprint: string): Promise<Admission> {
    let claim: QuotaGatedClaim<AcceptedEvent>;
    try {
      claim = await this.store.claimWithinQuota<AcceptedEvent>(WEBHOOK_SCOPE, deliveryId, this.limiter.quota(sourceId), {
        fingerprint,
        leaseMs: this.options.leaseMs,
      });
    } catch (error) {
      if (!(error instanceof IdempotencyStoreUnavailableError)) throw error;
      this.limiter.unenforced(error); // throws the 503 when fail-closed
      this.logger.warn({ err: error, delivery_dedupe: 'skipped' }, 'Redis unavailable: accepting without delivery dedupe (IDEMPOTENCY_FAIL_MODE=open)');
      return { allowed: true, claim: { state: 'claimed', token: UNTRACKED } };
    }
    const rate = this.limiter.verdict(claim.state !== 'over-quota');
    return claim.state === 'over-quota' ? { allowed: false, retryAfterSeconds: rate.retryAfterSeconds } : { allowed: true, claim };
  }
}
