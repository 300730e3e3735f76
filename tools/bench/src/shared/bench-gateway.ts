import { randomBytes } from 'node:crypto';
import { freePort } from '@opal/platform-runtime';
import { serveNodeProcess, type ServedProcess } from './node-process';

export const GATEWAY_ENTRY = 'dist/apps/ingest-gateway/main.js';
export const WEBHOOK_PATH = '/v1/webhooks/opal';

/** A fresh Standard Webhooks secret for one bench run. */
export const benchWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The built gateway (or the build at `entry`) with the run's own secret and its rate limit lifted
 * out of the way of the load, ready once `/health/ready` answers (Kafka, Redis and the registry reachable).
 */
export function serveBenchGateway(secret: string, entry = GATEWAY_ENTRY, name = 'ingest-gateway'): Promise<ServedProcess> {
  return freePort().then((port) =>
    serveNodeProcess(name, [entry], { WEBHOOK_SECRETS: secret, RATE_LIMIT_PER_SECOND: '10000000' }, port, '/health/ready'),
  );
}
