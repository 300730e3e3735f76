import type { Admin, Kafka } from 'kafkajs';
import type { KafkaConnectionConfig, SchemaRegistryConnectionConfig } from '@opal/platform-config';
import { SchemaRegistryClient } from '@opal/platform-schema-registry/client';
import { DeadLetters } from './dead-letters.service';
import { DlqReader } from './dlq.reader';
import { DlqReplayer } from './dlq.replayer';
import { connectAdmin, createKafka } from './kafka.session';

export interface DeadLetterSessionOptions {
  /** The Kafka client id, also the prefix of the throwaway groups reads join (e.g. `opal-dlq-tool`). */
  clientId: string;
  /** Upper bound on one read of topics, group join included. */
  readTimeoutMs: number;
  /** Upper bound on one Schema Registry request. */
  registryTimeoutMs: number;
  /** Told of what went wrong without failing the request (a throwaway group left behind). */
  warn(message: string): void;
}

export interface DeadLetterSession {
  deadLetters: DeadLetters;
  /** The reader `deadLetters` uses; `read` and `watermarks` also serve for other topics. */
  reader: DlqReader;
  admin: Admin;
  kafka: Kafka;
  /** Disconnects the replay producer (if one was made) and the admin client; never throws. */
  close(): Promise<void>;
}

/**
 * Connects to Kafka (the admin client) and returns `DeadLetters` over it. The Schema Registry
 * client and the replay producer are made on first use.
 *
 * @throws DlqError naming the brokers when Kafka cannot be reached.
 */
export async function connectDeadLetters(
  kafkaConnection: KafkaConnectionConfig,
  registryConnection: SchemaRegistryConnectionConfig,
  options: DeadLetterSessionOptions,
): Promise<DeadLetterSession> {
  const kafka = createKafka(kafkaConnection, options.clientId);
  const admin = await connectAdmin(kafka, kafkaConnection);
  const reader = new DlqReader(kafka, admin, {
    clientId: options.clientId,
    readTimeoutMs: options.readTimeoutMs,
    warn: (message) => options.warn(message),
  });
  let registry: SchemaRegistryClient | undefined;
  let replayer: DlqReplayer | undefined;
  const deadLetters = new DeadLetters({
    reader,
    registry: () =>
      (registry ??= new SchemaRegistryClient({ ...registryConnection, requestTimeoutMs: options.registryTimeoutMs })),
    replayer: () => (replayer ??= new DlqReplayer(kafka, kafkaConnection.brokers)),
  });
  return {
    deadLetters,
    reader,
    admin,
    kafka,
    close: async () => {
      await replayer?.close();
      await admin.disconnect().catch(() => undefined);
    },
  };
}
