import { createHash, timingSafeEqual } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Webhook } from 'standardwebhooks';
import { webhookSignature, webhookSigningKey } from '@opal/contracts';

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
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Standard Webhooks verification (HMAC-SHA256 over `id.timestamp.body`, several space-separated
 * `v1,` signatures, timing-safe comparison, 5-minute tolerance both ways), tried against every
 * configured secret so rotation needs no downtime.
 *
 * It computes what the `standardwebhooks` package's `verify` computes, with Node's native HMAC
 * (`webhookSignature` of `@opal/contracts`, which senders sign with too): the package's pure-JS
 * SHA-256 was the largest single cost of a request in a gateway profile.
 * The package still checks each secret at start-up, and the specs verify what it signs.
 */
export class WebhookSignatureVerifier {
  private readonly keys: ReadonlyArray<{ sourceId: string; key: Buffer }>;

  constructor(secrets: readonly string[]) {
    this.keys = secrets.map((secret) => {
      new Webhook(secret); // throws at start-up on a secret the package would not accept
      return {
        sourceId: createHash('sha256').update(secret).digest('hex').slice(0, 12),
        key: webhookSigningKey(secret),
      };
    });
  }

  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, nowMs = Date.now()): VerifiedDelivery {
    const [deliveryId, timestampHeader, signatureHeader] = REQUIRED_HEADERS.map((name) => {
      const value = headers[name];
      if (typeof value !== 'string' || value.length === 0) throw new WebhookSignatureError(`missing ${name} header`);
      return value;
    }) as [string, string, string];
    const timestamp = signedTimestamp(timestampHeader, nowMs);
    const passed = signatureHeader
      .split(' ')
      .map((versioned) => versioned.split(','))
      .filter(([version]) => version === 'v1')
      .map(([, signature]) => Buffer.from(signature ?? ''));
    // The package signs the body as a string: invalid UTF-8 is signed as its decoded replacement.
    const body = isUtf8(rawBody) ? rawBody : Buffer.from(rawBody.toString('utf8'));
    for (const { sourceId, key } of this.keys) {
      const expected = Buffer.from(webhookSignature(key, deliveryId, timestamp, body));
      if (passed.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected))) return { deliveryId, sourceId };
    }
    throw new WebhookSignatureError('no signature matches any configured secret');
  }
}

/** The timestamp as signed (the header's leading integer, as `parseInt` reads it), within the tolerance. */
function signedTimestamp(header: string, nowMs: number): number {
  const timestamp = parseInt(header, 10);
  if (Number.isNaN(timestamp)) throw new WebhookSignatureError('invalid webhook-timestamp header');
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > TOLERANCE_SECONDS) throw new WebhookSignatureError('message timestamp too old (tolerance 5 minutes)');
  if (timestamp > now + TOLERANCE_SECONDS) throw new WebhookSignatureError('message timestamp too new (tolerance 5 minutes)');
  return timestamp;
}
