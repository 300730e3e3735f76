import type { KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';
import type { KafkaConnectionConfig } from '@opal/platform-config';

/**
 * Turns validated connection settings into a kafkajs client config. SASL always travels over TLS
 * unless the deployment says otherwise explicitly, so credentials are never sent in clear by accident.
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
