import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, TOPIC_CATALOGUE, signWebhook } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';

export interface CheckResult {
  name: string;
  expected: string;
  got: string;
  passed: boolean;
}

const bodyOf = (type: string, data: unknown) => JSON.stringify({ type, timestamp: new Date().toISOString(), data });

async function post(baseUrl: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${baseUrl}/v1/webhooks/opal`, { method: 'POST', headers, body });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, json };
}

/**
 * The seed's producer test suite, against a running gateway: every event type accepted (202 on
 * its topic), a redelivery deduplicated (200), and each kind of bad request refused.
 */
export async function runProducerChecks(baseUrl: string, secret: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const signed = (body: string, deliveryId = `msg_${randomUUID()}`, timestamp?: Date) =>
    signWebhook({ secrets: secret, deliveryId, body, timestamp });
  const check = (name: string, expected: string, got: string, passed: boolean) => results.push({ name, expected, got, passed });

  let first: { body: string; deliveryId: string; eventId: unknown } | undefined;
  for (const type of EVENT_TYPES) {
    const body = bodyOf(type, fixtureData(type));
    const deliveryId = `msg_${randomUUID()}`;
    const { status, json } = await post(baseUrl, body, signed(body, deliveryId));
    const topic = TOPIC_CATALOGUE.find((entry) => entry.eventType === type)?.topic;
    check(`accept ${type}`, `202 on ${topic}`, `${status} ${String(json['topic'] ?? json['type'] ?? '')}`, status === 202 && json['topic'] === topic);
    first ??= { body, deliveryId, eventId: json['event_id'] };
  }
  if (first) {
    const again = await post(baseUrl, first.body, signed(first.body, first.deliveryId));
    check('redelivery is deduplicated', '200 duplicate, same event_id', `${again.status} duplicate=${String(again.json['duplicate'])}`,
      again.status === 200 && again.json['duplicate'] === true && again.json['event_id'] === first.eventId);
    const changed = bodyOf('workflow.started', { ...fixtureData('workflow.started'), client_name: 'someone-else' });
    const reused = await post(baseUrl, changed, signed(changed, first.deliveryId));
    check('webhook-id reused with another body', '422', String(reused.status), reused.status === 422);
  }
  const valid = bodyOf('workflow.completed', fixtureData('workflow.completed'));
  const refusals: Array<[string, number, () => Promise<{ status: number }>]> = [
    ['forged signature', 401, () => post(baseUrl, valid, { ...signed(valid), 'webhook-signature': 'v1,Zm9yZ2VkIHNpZ25hdHVyZQ==' })],
    ['stale timestamp', 401, () => post(baseUrl, valid, signed(valid, undefined, new Date(Date.now() - 10 * 60_000)))],
    ['unknown event type', 400, () => { const b = bodyOf('workflow.vanished', {}); return post(baseUrl, b, signed(b)); }],
    ['schema violation', 400, () => { const b = bodyOf('workflow.completed', { ...fixtureData('workflow.completed'), agents_failed: 'two' }); return post(baseUrl, b, signed(b)); }],
    ['malformed JSON', 400, () => { const b = valid.slice(0, 30); return post(baseUrl, b, signed(b)); }],
    ['not JSON', 415, () => post(baseUrl, valid, { ...signed(valid), 'content-type': 'text/plain' })],
  ];
  for (const [name, expected, send] of refusals) {
    const { status } = await send();
    check(`refuse ${name}`, String(expected), String(status), status === expected);
  }
  return results;
}
