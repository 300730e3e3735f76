import { createHmac } from 'node:crypto';

export type SignedWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/json';
};

const SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after `whsec_` (a secret without the
 * prefix is read as base64 too, as the `standardwebhooks` package reads it).
 */
export function webhookSigningKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * The base64 HMAC-SHA256 of `id.timestamp.body` under `key` (without the `v1,` prefix): what a
 * sender signs and a receiver recomputes. Node's native HMAC; the `standardwebhooks` package
 * computes the same bytes in pure JS (a spec checks them against each other).
 */
export function webhookSignature(key: Buffer, deliveryId: string, timestampSeconds: number, body: string | Buffer): string {
  return createHmac('sha256', key).update(`${deliveryId}.${timestampSeconds}.`).update(body).digest('base64');
}

/**
 * Headers for `POST /v1/webhooks/opal` under the Standard Webhooks scheme: the signature is
 * HMAC-SHA256 of `id.timestamp.body` with a `whsec_` secret. Pass several secrets to send one
 * signature per secret (what a sender does during a rotation).
 */
export function signWebhook(options: {
  secrets: string | readonly string[];
  deliveryId: string;
  body: string;
  timestamp?: Date;
}): SignedWebhookHeaders {
  const seconds = Math.floor((options.timestamp ?? new Date()).getTime() / 1000);
  const secrets = typeof options.secrets === 'string' ? [options.secrets] : options.secrets;
  const signatures = secrets.map((secret) => `v1,${webhookSignature(webhookSigningKey(secret), options.deliveryId, seconds, options.body)}`);
  return {
    'webhook-id': options.deliveryId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signatures.join(' '),
    'content-type': 'application/json',
  };
}
