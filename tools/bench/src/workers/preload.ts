import { Partitioners, type Kafka } from 'kafkajs';
import { TOPIC_CATALOGUE, type EventType, type OpalEvent } from '@opal/contracts';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';

/** Records per produce request: large enough to preload quickly, small enough for the default request size. */
const PRODUCE_CHUNK = 1_000;

export interface PreloadBatch {
  eventType: EventType;
  events: readonly OpalEvent[];
}

/**
 * Writes events the way the gateway does: Confluent-framed Avro encoded through the registry
 * (validated first), keyed by the catalogue's key field, with the ARCHITECTURE.md §4 headers,
 * acknowledged with acks=all.
 */
export async function preloadEvents(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  batches: readonly PreloadBatch[],
): Promise<void> {
  // The gateway's partitioning (murmur2 of the key, as the Java client), stated so kafkajs does not warn.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (const { eventType, events } of batches) {
      const definition = TOPIC_CATALOGUE.find((entry) => entry.eventType === eventType);
      if (!definition) throw new Error(`no topic for event type ${eventType}`);
      for (let from = 0; from < events.length; from += PRODUCE_CHUNK) {
        const chunk = events.slice(from, from + PRODUCE_CHUNK);
        const messages = await Promise.all(
          chunk.map(async (event) => ({
            key: String((event as unknown as Record<string, unknown>)[definition.keyField]),
            value: await registry.encode(definition.subject, event),
            headers: {
              event_type: eventType,
              event_id: event.event_id,
              correlation_id: event.correlation_id,
              source_system: event.source_system,
              schema_version: event.schema_version,
            },
          })),
        );
        await producer.send({ topic: definition.topic, acks: -1, messages });
      }
    }
  } finally {
    await producer.disconnect();
  }
}
