import type { RecordMetadata } from 'kafkajs';
import { KafkaUnavailableError } from './event-producer.errors';
import { ProduceBatch } from './produce.batch';
import type { PartitionedRecord } from './produce.batch';

function rec(topic: string, partition: number, key: string): PartitionedRecord {
  return { topic, partition, key, value: Buffer.from(key), headers: { k: key } };
}

function ack(topicName: string, partition: number, baseOffset: string): RecordMetadata {
  return { topicName, partition, errorCode: 0, baseOffset, logAppendTime: '-1', logStartOffset: '0' };
}

describe(ProduceBatch.name, () => {
  describe('topicMessages', () => {
    it('should group messages by topic in first-seen order, keep their order, and pin each to its partition', () => {
      const batch = new ProduceBatch([rec('t1', 0, 'a'), rec('t2', 1, 'b'), rec('t1', 2, 'c'), rec('t1', 0, 'd')]);

      expect(batch.topicMessages).toEqual([
        {
          topic: 't1',
          messages: [
            { key: 'a', value: Buffer.from('a'), headers: { k: 'a' }, partition: 0 },
            { key: 'c', value: Buffer.from('c'), headers: { k: 'c' }, partition: 2 },
            { key: 'd', value: Buffer.from('d'), headers: { k: 'd' }, partition: 0 },
          ],
        },
        { topic: 't2', messages: [{ key: 'b', value: Buffer.from('b'), headers: { k: 'b' }, partition: 1 }] },
      ]);
      expect(batch.size).toBe(4);
    });
  });

  describe('positions', () => {
    it('should give each record its partition base offset plus its index among the batch records of that partition', () => {
      const batch = new ProduceBatch([
        rec('t1', 0, 'a'),
        rec('t1', 1, 'b'),
        rec('t1', 0, 'c'),
        rec('t2', 0, 'd'),
        rec('t1', 0, 'e'),
        rec('t1', 1, 'f'),
      ]);

      const positions = batch.positions([ack('t1', 1, '7'), ack('t2', 0, '0'), ack('t1', 0, '100')]);

      expect(positions).toEqual([
        { topic: 't1', partition: 0, offset: '100' },
        { topic: 't1', partition: 1, offset: '7' },
        { topic: 't1', partition: 0, offset: '101' },
        { topic: 't2', partition: 0, offset: '0' },
        { topic: 't1', partition: 0, offset: '102' },
        { topic: 't1', partition: 1, offset: '8' },
      ]);
    });

    it('should compute offsets beyond 2^53 exactly', () => {
      const batch = new ProduceBatch([rec('t', 0, 'a'), rec('t', 0, 'b')]);

      expect(batch.positions([ack('t', 0, '9007199254740993')])).toEqual([
        { topic: 't', partition: 0, offset: '9007199254740993' },
        { topic: 't', partition: 0, offset: '9007199254740994' },
      ]);
    });

    it('should fail only the records of a partition the broker did not acknowledge', () => {
      const batch = new ProduceBatch([rec('t', 0, 'a'), rec('t', 1, 'b')]);

      const [first, second] = batch.positions([ack('t', 0, '5'), { ...ack('t', 1, '-1'), errorCode: 19 }]);

      expect(first).toEqual({ topic: 't', partition: 0, offset: '5' });
      expect(second).toBeInstanceOf(KafkaUnavailableError);
    });

    // What kafkajs 2.2.4 returned on the cluster when a partition's leader moved mid-batch.
    it('should fail as unavailable (retriable, kafka) the records of a partition missing from the acknowledgements', () => {
      const batch = new ProduceBatch([rec('t', 0, 'a'), rec('t', 5, 'b')]);

      const [first, second] = batch.positions([ack('t', 0, '5')]);

      expect(first).toEqual({ topic: 't', partition: 0, offset: '5' });
      expect(second).toBeInstanceOf(KafkaUnavailableError);
      expect(second).toMatchObject({
        code: 'KAFKA_UNAVAILABLE',
        retriable: true,
        dependency: 'kafka',
        message: 'Kafka did not confirm the write to t[5]; retry it',
      });
    });
  });
});
