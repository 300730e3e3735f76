import type { KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';
import type { KafkaConnectionConfig } from '@opal/platform-config';

/**
 * Turns validated connection settings into a kafkajs client config. TLS follows `ssl`
 * (`KAFKA_SSL`) alone, credentials or not: a deployment that sets SASL credentials sets
 * `KAFKA_SSL=true` as well (the production overlay does), or they travel in clear.
 */
export function buildKafkaClientConfig(connection: KafkaConnectionConfig, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    logLevel: logLevel.WARN,
    ...(connection.sasl ? { sasl: connection.sasl } : {}),
  } as KafkaConfig;
}
