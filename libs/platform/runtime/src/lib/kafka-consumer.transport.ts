import { Transport, type KafkaOptions } from '@nestjs/microservices';
import type { KafkaConnectionConfig } from '@opal/platform-config';
import { buildKafkaClientConfig } from '@opal/platform-kafka';

export interface KafkaConsumerTransportOptions {
  clientId: string;
  groupId: string;
}

/**
 * Options for Nest's Kafka transport server. Nest appends `-server` to client and group ids
 * unless `postfixId` is set; the consumer groups are part of the contract, so it is cleared.
 */
export function kafkaConsumerTransport(connection: KafkaConnectionConfig, options: KafkaConsumerTransportOptions): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: buildKafkaClientConfig(connection, options.clientId),
      consumer: { groupId: options.groupId, allowAutoTopicCreation: false },
    },
  };
}
