import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPIC_CATALOGUE } from '@opal/contracts';
import { registerSnappyCodec } from '../producer/snappy.codec';

export interface TappedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Sees exactly what was produced to the opal.* topics between `open()` and `read()`: it notes
 * every partition's end offset first, then reads from there up to the new end. Lets a test
 * prove both "this record is there, once" and "nothing at all was produced". Integration tests
 * only (`@opal/platform-kafka/testing`).
 */
export class TopicTap {
  private readonly kafka: Kafka;
  private admin?: Admin;
  private start = new Map<string, Map<number, bigint>>();

  constructor(
    brokers: string[],
    private readonly topics = TOPIC_CATALOGUE.map((entry) => entry.topic),
  ) {
    // Every producer of the workspace writes Snappy; a bare kafkajs client reads it only once the codec is registered.
    registerSnappyCodec();
    this.kafka = new Kafka({ clientId: 'opal-topic-tap', brokers, logLevel: logLevel.NOTHING });
  }

  async open(): Promise<void> {
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    this.start = await this.endOffsets();
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }

  private async endOffsets() {
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of this.topics) {
      const offsets = await (this.admin as Admin).fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    return ends;
  }

  /** Every record appended since `open()` (or the previous `read()`), in partition order. */
  async read(): Promise<TappedRecord[]> {
    const end = await this.endOffsets();
    const pending = [...end].flatMap(([topic, partitions]) =>
      [...partitions].filter(([partition, high]) => high > (this.start.get(topic)?.get(partition) ?? 0n)).map(([partition]) => `${topic}:${partition}`),
    );
    const records: TappedRecord[] = [];
    if (pending.length > 0) {
      const remaining = new Set(pending);
      const consumer = this.kafka.consumer({ groupId: `opal-topic-tap-${Date.now()}-${Math.random()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set(pending.map((p) => p.split(':')[0] as string))], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`tap timed out; still waiting for ${[...remaining].join(', ')}`)), 20_000);
        void consumer.run({
          eachMessage: async ({ topic, partition, message }) => {
            const from = this.start.get(topic)?.get(partition) ?? 0n;
            const to = end.get(topic)?.get(partition) ?? 0n;
            const offset = BigInt(message.offset);
            if (offset >= from && offset < to) {
              records.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key?.toString(),
                value: message.value ?? Buffer.alloc(0),
                headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
              });
            }
            if (offset >= to - 1n) remaining.delete(`${topic}:${partition}`);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
        for (const key of pending) {
          const [topic, partition] = key.split(':') as [string, string];
          consumer.seek({ topic, partition: Number(partition), offset: String(this.start.get(topic)?.get(Number(partition)) ?? 0n) });
        }
      });
      await consumer.disconnect();
    }
    this.start = end;
    return records;
  }
}
