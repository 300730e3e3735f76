import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { buildEventRecord, subjectOf, topicOf, type Environment, type EventType } from '@opal/contracts';
import { deadLetterRecord, type EventRecord } from '@opal/platform-kafka/standalone';

/** Encodes a payload under a subject the way the gateway does (the registry client's `encode`). */
export interface PayloadEncoder {
  encode(subject: string, payload: Record<string, unknown>): Promise<Buffer>;
}

export interface DeadLetterFacts {
  /** The group the event failed in: the only one a replay is addressed to. */
  group: string;
  attempts: number;
  errorMessage: string;
  environment: Environment;
  sourceSystem: string;
}

/**
 * The dead letter a worker of `group` writes for a valid event of `type` it gave up on after a
 * dependency outage (`DependencyUnavailableError`): the event as the gateway would have produced it,
 * encoded through the registry, at offset 0 of partition 0 of its topic. For tests that need a real,
 * replayable dead letter without making a worker fail.
 */
export async function deadLetterOf(
  encoder: PayloadEncoder,
  type: EventType,
  data: Record<string, unknown>,
  facts: DeadLetterFacts,
): Promise<{ eventId: string; record: EventRecord }> {
  const eventId = randomUUID();
  const event = buildEventRecord(type, data, {
    eventId,
    correlationId: randomUUID(),
    occurredAt: Date.now(),
    environment: facts.environment,
    sourceSystem: facts.sourceSystem,
  });
  const topic = topicOf(type);
  const value = await encoder.encode(subjectOf(topic), event.payload);
  const record = deadLetterRecord(
    { topic, partition: 0, offset: '0', timestamp: String(Date.now()), key: Buffer.from(event.key), value, headers: event.headers },
    { group: facts.group, attempts: facts.attempts, errorClass: 'DependencyUnavailableError', errorMessage: facts.errorMessage, failedAt: new Date() },
  );
  return { eventId, record };
}

/** Writes `record` to its DLQ partition with acks=all; where it landed. */
export async function writeDeadLetter(producer: Producer, record: EventRecord): Promise<{ topic: string; partition: number; offset: string }> {
  const partition = record.partition ?? 0;
  const [written] = await producer.send({
    topic: record.topic,
    acks: -1,
    messages: [{ partition, key: record.key, value: record.value, headers: record.headers }],
  });
  if (written?.baseOffset === undefined) throw new Error(`Kafka did not say where the dead letter on ${record.topic} landed`);
  return { topic: record.topic, partition, offset: written.baseOffset };
}
