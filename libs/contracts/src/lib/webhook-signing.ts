import { Webhook } from 'standardwebhooks';

export type SignedWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/json';
};

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
  const timestamp = options.timestamp ?? new Date();
  const secrets = typeof options.secrets === 'string' ? [options.secrets] : options.secrets;
  const signatures = secrets.map((secret) => new Webhook(secret).sign(options.deliveryId, timestamp, options.body));
  return {
    'webhook-id': options.deliveryId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
    'content-type': 'application/json',
  };
}
