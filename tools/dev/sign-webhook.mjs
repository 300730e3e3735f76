// `npm run webhook:sign -- <body.json> [webhook-id]`: prints a curl command that POSTs the file
// to the local gateway with valid Standard Webhooks headers, signed with the development secret
// ($WEBHOOK_SECRETS, else .stack/dev-webhook-secret). The signature covers the exact file bytes.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { devWebhookSecrets } from './workspace.mjs';

const [file, deliveryId = `msg_${randomUUID()}`] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run webhook:sign -- <body.json> [webhook-id]');
  process.exit(2);
}
const body = readFileSync(file, 'utf8');
const secret = devWebhookSecrets().split(',')[0];
const timestamp = new Date();
const signature = new Webhook(secret).sign(deliveryId, timestamp, body);
const url = `http://127.0.0.1:${process.env.INGEST_GATEWAY_PORT ?? 3000}/v1/webhooks/opal`;
console.log(
  [
    `curl -sS -X POST ${url}`,
    `  -H 'content-type: application/json'`,
    `  -H 'webhook-id: ${deliveryId}'`,
    `  -H 'webhook-timestamp: ${Math.floor(timestamp.getTime() / 1000)}'`,
    `  -H 'webhook-signature: ${signature}'`,
    `  --data-binary @${file}`,
  ].join(' \\\n'),
);
