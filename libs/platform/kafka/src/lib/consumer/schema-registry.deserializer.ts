import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { UndecodableMessageError, type SchemaRegistryClient } from '@opal/platform-schema-registry';

/**
 * Nest Kafka-transport deserializer for Confluent-framed values: the pattern is the topic, the
 * data the value decoded with the writer's schema from the registry. Bytes that are not a frame,
 * or name an unknown schema, reject with the registry's typed errors (the consumer dead-letters
 * them); an unreachable registry rejects with `SchemaRegistryUnavailableError` (it pauses).
 */
export class SchemaRegistryDeserializer implements ConsumerDeserializer {
  constructor(private readonly registry: Pick<SchemaRegistryClient, 'decode'>) {}

  async deserialize(message: Pick<KafkaMessage, 'value'>, options: { channel: string }): Promise<IncomingEvent> {
    if (message.value === null || message.value.length === 0)
      throw new UndecodableMessageError('the record has no value (tombstone or empty)', undefined);
    const decoded = await this.registry.decode(message.value);
    return { pattern: options.channel, data: decoded.value };
  }
}
