import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { readerGroupPrefix } from '@opal/contracts';
import type { KafkaConnectionConfig } from '@opal/platform-config';
import { buildKafkaClientConfig } from '@opal/platform-kafka/standalone';
import { DlqKafkaError } from './dlq.errors';

/** Bounded so that an unreachable broker ends a request in seconds, not after kafkajs' default minutes. */
export const KAFKA_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000 } as const;
const RETRY = { retries: 2, initialRetryTime: 250, maxRetryTime: 2_000 } as const;

/** The throwaway group a read joins: never one of the workers' groups, named after the tool, deleted after the read. */
export const throwawayGroupId = (clientId: string): string => `${readerGroupPrefix(clientId)}${randomUUID()}`;

/** A kafkajs client with short timeouts and its own logging silenced: callers report failures themselves, in one line. */
export function createKafka(connection: KafkaConnectionConfig, clientId: string): Kafka {
  const config: KafkaConfig = {
    ...buildKafkaClientConfig(connection, clientId),
    ...KAFKA_TIMEOUTS,
    retry: RETRY,
    logLevel: logLevel.NOTHING,
  };
  return new Kafka(config);
}

/** The one-line reason of a kafkajs failure, looking through its retry wrapper. */
export function kafkaReason(error: unknown): string {
  let current: unknown = error;
  while (
    current instanceof Error &&
    current.name === 'KafkaJSNumberOfRetriesExceeded' &&
    current.cause instanceof Error
  ) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

/**
 * An admin client, connected.
 *
 * @throws DlqKafkaError naming the brokers when they cannot be reached.
 */
export async function connectAdmin(kafka: Kafka, connection: KafkaConnectionConfig): Promise<Admin> {
  const admin = kafka.admin({ retry: RETRY });
  try {
    await admin.connect();
  } catch (error) {
    throw new DlqKafkaError(`cannot reach Kafka at ${connection.brokers.join(',')}: ${kafkaReason(error)}`);
  }
  return admin;
}
