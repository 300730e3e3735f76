import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import { SCHEMA_VERSION, TOPIC_CATALOGUE, type EventType, type TopicDefinition } from '@opal/contracts';
import type { DeploymentEnvironment } from '@opal/platform-config';

/** Fixed namespace: the same delivery id always yields the same event id, across replicas and restarts. */
const WEBHOOK_EVENT_ID_NAMESPACE = '5f0c1a9e-8d3b-4c7a-9e21-6b4f0d2c8a71';
/** Parsed once: uuid would parse the namespace string again for every event. */
const NAMESPACE_BYTES = parseUuid(WEBHOOK_EVENT_ID_NAMESPACE);

export const eventIdForDelivery = (deliveryId: string): string => uuidv5(deliveryId, NAMESPACE_BYTES);

export interface OpalEventRecord {
  definition: TopicDefinition;
  payload: Record<string, unknown>;
  key: string;
  headers: Record<string, string>;
}

export interface EventContext {
  deliveryId: string;
  correlationId: string;
  occurredAt: number;
  environment: DeploymentEnvironment;
  sourceSystem: string;
  traceparent?: string;
}

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** The envelope of ARCHITECTURE.md §2 around the caller's fields, plus the record key and headers. */
export function buildEventRecord(type: EventType, data: Record<string, unknown>, context: EventContext): OpalEventRecord {
  const definition = TOPIC_CATALOGUE.find((entry) => entry.eventType === type) as TopicDefinition;
  const eventId = eventIdForDelivery(context.deliveryId);
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
