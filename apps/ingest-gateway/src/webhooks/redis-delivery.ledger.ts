import { Logger } from '@nestjs/common';
import { IdempotencyStoreUnavailableError, type IdempotencyStorePort } from '@opal/platform-idempotency';
import { DependencyUnavailableError, type AcceptedEvent, type DeliveryClaim, type DeliveryLedger, type RedisFailMode } from './webhook.ports';

/** Keys are `opal:idempotency:webhook:<webhook-id>`. */
export const WEBHOOK_SCOPE = 'webhook';

/** The token of a delivery accepted while Redis was unreachable (fail-open): nothing to complete or release. */
const UNTRACKED = '';

export interface DeliveryLedgerOptions {
  /** `open`: publish anyway when Redis is down (consumers still dedupe by event_id); `closed`: 503. */
  failMode: RedisFailMode;
  leaseMs: number;
  ttlSeconds: number;
}

/** The shared idempotency store as the gateway's delivery ledger, with the fail mode applied. */
export class RedisDeliveryLedger implements DeliveryLedger {
  private readonly logger = new Logger(RedisDeliveryLedger.name);

  constructor(
    private readonly store: IdempotencyStorePort,
    private readonly options: DeliveryLedgerOptions,
  ) {}

  async claim(deliveryId: string, fingerprint: string): Promise<DeliveryClaim> {
    try {
      return await this.store.claim<AcceptedEvent>(WEBHOOK_SCOPE, deliveryId, { fingerprint, leaseMs: this.options.leaseMs });
    } catch (error) {
      if (!(error instanceof IdempotencyStoreUnavailableError)) throw error;
      if (this.options.failMode === 'closed') throw new DependencyUnavailableError('redis', { cause: error });
      this.logger.warn({ err: error, delivery_dedupe: 'skipped' }, 'Redis unavailable: accepting without delivery dedupe (IDEMPOTENCY_FAIL_MODE=open)');
      return { state: 'claimed', token: UNTRACKED };
    }
  }

  async complete(deliveryId: string, token: string, result: AcceptedEvent): Promise<void> {
    if (token !== UNTRACKED) await this.store.complete(WEBHOOK_SCOPE, deliveryId, token, result, this.options.ttlSeconds);
  }

  async release(deliveryId: string, token: string): Promise<void> {
    if (token !== UNTRACKED) await this.store.release(WEBHOOK_SCOPE, deliveryId, token);
  }
}
