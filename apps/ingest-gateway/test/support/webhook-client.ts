import { randomUUID } from 'node:crypto';
import { signWebhook } from '@opal/contracts';

export const bodyFor = (type: string, data: unknown) => JSON.stringify({ type, timestamp: '2026-11-26T12:00:00Z', data });

export interface WebhookResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  contentType: string;
}

/** POSTs `body` signed with `secrets` (override any header to build a bad request). */
export async function postWebhook(
  baseUrl: string,
  options: { body: string; secrets: string | string[]; deliveryId?: string; timestamp?: Date; headers?: Record<string, string | undefined>; sendBody?: string },
): Promise<WebhookResponse> {
  const deliveryId = options.deliveryId ?? `msg_${randomUUID()}`;
  const signed: Record<string, string | undefined> = {
    ...signWebhook({ secrets: options.secrets, deliveryId, body: options.body, timestamp: options.timestamp }),
    ...options.headers,
  };
  const headers = Object.fromEntries(Object.entries(signed).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const response = await fetch(`${baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body: options.sendBody ?? options.body });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: response.status, headers: response.headers, body, contentType: response.headers.get('content-type') ?? '' };
}
