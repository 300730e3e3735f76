import { z } from 'zod';
import { ENVELOPE_FIELDS, EVENT_TYPES, type EventType } from '@opal/contracts';

/** One field-level problem, as it appears in problem+json `errors`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export type ParsedWebhook =
  | { ok: true; type: EventType; occurredAt: number; data: Record<string, unknown> }
  | { ok: false; kind: 'malformed-json' | 'unknown-event-type' | 'invalid-request'; errors: FieldProblem[] };

const webhookBody = z.object({
  type: z.string({ error: 'expected a string' }),
  timestamp: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-11-26T12:00:00Z' }),
  data: z.record(z.string(), z.unknown(), { error: 'expected an object with the event fields' }),
});

/** Stripe's bound for idempotency keys: long enough for any id scheme, short enough for a Redis key. */
export const DELIVERY_ID_MAX_LENGTH = 255;

/** Visible ASCII only: the id becomes a Redis key, a log field and part of the signed content. */
const DELIVERY_ID = new RegExp(`^[\\x21-\\x7e]{1,${DELIVERY_ID_MAX_LENGTH}}$`);

/** A problem with the `webhook-id` header, or undefined when it is absent (the signature check names that) or fine. */
export function deliveryIdProblem(header: string | string[] | undefined): FieldProblem | undefined {
  if (header === undefined || header === '') return undefined;
  if (typeof header === 'string' && DELIVERY_ID.test(header)) return undefined;
  return { path: 'headers.webhook-id', message: `expected 1-${DELIVERY_ID_MAX_LENGTH} visible ASCII characters (no spaces), sent once` };
}

/** Envelope fields are the gateway's to fill; accepting them from a caller would let it forge ids. */
const RESERVED_FIELDS: readonly string[] = ENVELOPE_FIELDS;

/** `{"type", "timestamp", "data"}` from raw bytes, with every problem named by its path. */
export function parseWebhookBody(rawBody: Buffer): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    return { ok: false, kind: 'malformed-json', errors: [{ path: '', message: (error as Error).message }] };
  }
  const result = webhookBody.safeParse(json);
  if (!result.success) {
    const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, kind: 'invalid-request', errors };
  }
  const { type, timestamp, data } = result.data;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, kind: 'unknown-event-type', errors: [{ path: 'type', message: `expected one of ${EVENT_TYPES.join(', ')}` }] };
  }
  const reserved = RESERVED_FIELDS.filter((field) => field in data);
  if (reserved.length > 0) {
    const errors = reserved.map((field) => ({ path: `data.${field}`, message: 'is set by the gateway and must not be sent' }));
    return { ok: false, kind: 'invalid-request', errors };
  }
  return { ok: true, type: type as EventType, occurredAt: Date.parse(timestamp), data };
}
