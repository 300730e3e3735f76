import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import { SCHEMA_VERSION } from './envelope';
import type { Environment } from './generated/contracts.generated';
import { TOPIC_CATALOGUE, type EventType, type TopicDefinition } from './topic-catalogue';

/** Fixed namespace: the same delivery id always yields the same event id, across replicas and restarts. */
const WEBHOOK_EVENT_ID_NAMESPACE = '5f0c1a9e-8d3b-4c7a-9e21-6b4f0d2c8a71';
/** Parsed once: uuid would parse the namespace string again for every event. */
const NAMESPACE_BYTES = parseUuid(WEBHOOK_EVENT_ID_NAMESPACE);

/**
 * The `event_id` of a delivery (a webhook's `webhook-id`, or a client's idempotency key): a UUID v5
 * over a fixed namespace, so a redelivery maps to the same event wherever and whenever it arrives.
 */
export const eventIdForDelivery = (deliveryId: string): string => uuidv5(deliveryId, NAMESPACE_BYTES);

/** An event ready to encode and produce: its topic, envelope-filled payload, record key and headers. */
export interface OpalEventRecord {
  definition: TopicDefinition;
  payload: Record<string, unknown>;
  key: string;
  headers: Record<string, string>;
}

/** What the producer decides about an event; the sender only supplies its type-specific fields. */
export interface EventContext {
  /** Any string from which the event id is derived (see `eventIdForDelivery`); ignored when `eventId` is given. */
  deliveryId?: string;
  /** The event id itself, for a producer that has no delivery id (a random UUID, say). */
  eventId?: string;
  correlationId: string;
  occurredAt: number;
  environment: Environment;
  sourceSystem: string;
  traceparent?: string;
}

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

function eventIdOf(context: EventContext): string {
  if (context.eventId !== undefined) return context.eventId;
  if (context.deliveryId !== undefined) return eventIdForDelivery(context.deliveryId);
  throw new TypeError('an event needs an eventId or a deliveryId to derive it from');
}

/**
 * The envelope of ARCHITECTURE.md §2 around the caller's fields, plus the record key and headers:
 * the one definition of an OPAL record that the gateway and the client SDK both produce.
 */
export function buildEventRecord(type: EventType, data: Record<string, unknown>, context: EventContext): OpalEventRecord {
  const definition = TOPIC_CATALOGUE.find((entry) => entry.eventType === type) as TopicDefinition;
  const eventId = eventIdOf(context);
  const payload = {
    schema_version: SCHEMA_VERSION,
    event_id: eventId,
    correlation_id: context.correlationId,
    timestamp: context.occurredAt,
    source_system: context.sourceSystem,
    environment: context.environment,
    ...data,
  };
  const headers: Record<string, string> = {
    event_type: type,
    event_id: eventId,
    correlation_id: context.correlationId,
    source_system: context.sourceSystem,
    schema_version: SCHEMA_VERSION,
  };
  if (context.traceparent && TRACEPARENT.test(context.traceparent)) headers['traceparent'] = context.traceparent;
  return { definition, payload, key: String(data[definition.keyField] ?? ''), headers };
}
