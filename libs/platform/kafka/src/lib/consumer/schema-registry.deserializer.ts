import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { UndecodableMessageError, type DecodeResult, type SchemaRegistryClient } from '@opal/platform-schema-registry';

/**
 * Nest Kafka-transport deserializer for Confluent-framed values: the pattern is the topic, the
 * data the value decoded with the writer's schema from the registry. Bytes that are not a frame,
 * or name an unknown schema, reject with the registry's typed errors (the consumer dead-letters
 * them); an unreachable registry rejects with `SchemaRegistryUnavailableError` (it pauses).
 */
export class SchemaRegistryDeserializer implements ConsumerDeserializer {
  constructor(private readonly registry: Pick<SchemaRegistryClient, 'decode' | 'decodeBatch'>) {}

  async deserialize(message: Pick<KafkaMessage, 'value'>, options: { channel: string }): Promise<IncomingEvent> {
    if (message.value === null || message.value.length === 0) throw noValue();
    const decoded = await this.registry.decode(message.value);
    return { pattern: options.channel, data: decoded.value };
  }

  /** A fetched batch at once (`decodeBatch`): each record's value, or the error `deserialize` would reject with. */
  async deserializeBatch(messages: ReadonlyArray<Pick<KafkaMessage, 'value'>>): Promise<DecodeResult[]> {
    const framed: Buffer[] = [];
    const positions: number[] = [];
    const results = new Array<DecodeResult>(messages.length);
    messages.forEach((message, index) => {
      if (message.value === null || message.value.length === 0) results[index] = { error: noValue() };
      else {
        framed.push(message.value);
        positions.push(index);
      }
    });
    const decoded = framed.length > 0 ? await this.registry.decodeBatch(framed) : [];
    decoded.forEach((result, i) => (results[positions[i] as number] = result));
    return results;
  }
}

const noValue = () => new UndecodableMessageError('the record has no value (tombstone or empty)', undefined);
