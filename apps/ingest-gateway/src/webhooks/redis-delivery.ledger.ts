import { WEBHOOK_IDEMPOTENCY_SCOPE } from '@opal/contracts';
import type { IdempotencyStorePort } from '@opal/platform-idempotency';
import type { AcceptedEvent, DeliveryLedger } from './webhook.ports';

/** Keys are `opal:idempotency:webhook:<webhook-id>`; the contracts own the scope, which the access plan grants. */
export const WEBHOOK_SCOPE = WEBHOOK_IDEMPOTENCY_SCOPE;

/** The token of a delivery accepted while Redis was unreachable (fail-open): nothing to complete or release. */
export const UNTRACKED = '';

export interface DeliveryLedgerOptions {
  ttlSeconds: number;
}

/**
 * The shared idempotency store finishing the gateway's delivery claims (the admission script
 * takes them). The webhook flow does not wait for `complete`, so the ledger keeps every write
 * it has not seen answered until `settled()`: the gateway's Redis connection closes only after them.
 */
export class RedisDeliveryLedger implements DeliveryLedger {
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(
    private readonly store: IdempotencyStorePort,
    private readonly options: DeliveryLedgerOptions,
  ) {}

  complete(deliveryId: string, token: string, result: AcceptedEvent): Promise<void> {
    if (token === UNTRACKED) return Promise.resolve();
    return this.track(this.store.complete(WEBHOOK_SCOPE, deliveryId, token, result, this.options.ttlSeconds));
  }

  async release(deliveryId: string, token: string): Promise<void> {
    if (token !== UNTRACKED) await this.store.release(WEBHOOK_SCOPE, deliveryId, token);
  }

  /** Resolves once every `complete` issued so far has been answered (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.unanswered]);
  }

  private async track(write: Promise<unknown>): Promise<void> {
    this.unanswered.add(write);
    try {
      await write;
    } finally {
      this.unanswered.delete(write);
    }
  }
}
