import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';
import type { KafkaConnectionConfig } from '@opal/platform-config';

/** `{ ca }` trusts only the given CA bundle (a private CA); `true` the system's CAs. */
const tlsOptions = (ssl: KafkaConnectionConfig['ssl']): boolean | ConnectionOptions =>
  typeof ssl === 'object' ? { ca: [ssl.ca] } : ssl;

/**
 * Turns validated connection settings into a kafkajs client config. TLS follows `ssl`
 * (`KAFKA_SSL`, with `KAFKA_SSL_CA_FILE` for a private CA) alone, credentials or not: a
 * deployment that sets SASL credentials sets `KAFKA_SSL=true` as well (the production overlay
 * does), or they travel in clear.
 */
export function buildKafkaClientConfig(connection: KafkaConnectionConfig, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: connection.brokers,
    ssl: tlsOptions(connection.ssl),
    logLevel: logLevel.WARN,
    ...(connection.sasl ? { sasl: connection.sasl } : {}),
  } as KafkaConfig;
}
