import { createHash } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface VerifiedDelivery {
  /** The delivery id (`webhook-id`): the idempotency key. */
  deliveryId: string;
  /** Which secret verified it, as a stable, non-secret id: the rate-limit "source". */
  sourceId: string;
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

const REQUIRED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Standard Webhooks verification (standardwebhooks: HMAC-SHA256 over `id.timestamp.body`,
 * several space-separated signatures, timing-safe comparison, 5-minute tolerance both ways),
 * tried against every configured secret so rotation needs no downtime.
 */
export class WebhookSignatureVerifier {
  private readonly verifiers: ReadonlyArray<{ sourceId: string; webhook: Webhook }>;

  constructor(secrets: readonly string[]) {
    this.verifiers = secrets.map((secret) => ({
      sourceId: createHash('sha256').update(secret).digest('hex').slice(0, 12),
      webhook: new Webhook(secret),
    }));
  }

  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifiedDelivery {
    const single: Record<string, string> = {};
    for (const name of REQUIRED_HEADERS) {
      const value = headers[name];
      if (typeof value !== 'string' || value.length === 0) throw new WebhookSignatureError(`missing ${name} header`);
      single[name] = value;
    }
    const payload = rawBody.toString('utf8');
    let reason = 'no signature matches any configured secret';
    for (const { sourceId, webhook } of this.verifiers) {
      try {
        // jsonParse off: a signed but malformed body is the caller's 400, not a verification failure.
        webhook.verify(payload, single, { jsonParse: false });
        return { deliveryId: single['webhook-id'] as string, sourceId };
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        // A stale or malformed timestamp fails the same way for every secret: say so, not "bad signature".
        if (/timestamp too (old|new)/i.test(error.message)) throw new WebhookSignatureError(`${error.message.toLowerCase()} (tolerance 5 minutes)`);
        if (error.message === 'Invalid Signature Headers') throw new WebhookSignatureError('invalid webhook-timestamp header');
        reason = 'no signature matches any configured secret';
      }
    }
    throw new WebhookSignatureError(reason);
  }
}
