import type { Kafka } from 'kafkajs';

export interface BareConsumer {
  /** Messages seen so far. */
  counted(): number;
  /** Idempotent. Takes up to kafkajs' long-poll wait (5 s) once the topics are drained. */
  stop(): Promise<void>;
}

/**
 * The baseline: a plain kafkajs consumer that does nothing with a record but count it, with the
 * defaults (auto-commit after each batch). Its group's offsets are set before it starts.
 */
export async function startBareConsumer(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<BareConsumer> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async () => {
        count += 1;
      },
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return { counted: () => count, stop: () => (stopping ??= consumer.disconnect()) };
}
