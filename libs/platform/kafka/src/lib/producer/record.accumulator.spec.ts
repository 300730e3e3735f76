import { PendingRecord } from './pending-record';
import { RecordAccumulator } from './record.accumulator';

function pending(key: string, bytes = 10): PendingRecord {
  return new PendingRecord({ topic: 't', key, value: Buffer.alloc(bytes - key.length), headers: {} }, 60_000);
}

describe(RecordAccumulator.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('isFull', () => {
    it('should be full at maxRecords records or maxBytes bytes', () => {
      const byCount = new RecordAccumulator({ maxRecords: 2, maxBytes: 1_000 });
      const byBytes = new RecordAccumulator({ maxRecords: 100, maxBytes: 25 });

      byCount.push(pending('a'));
      byBytes.push(pending('a'));
      byBytes.push(pending('b'));
      expect([byCount.isFull(), byBytes.isFull()]).toEqual([false, false]);

      byCount.push(pending('b'));
      byBytes.push(pending('c'));
      expect([byCount.isFull(), byBytes.isFull()]).toEqual([true, true]);
    });
  });

  describe('take', () => {
    it('should take the oldest records up to maxRecords and leave the rest in order', () => {
      const queue = new RecordAccumulator({ maxRecords: 2, maxBytes: 1_000 });
      const records = ['a', 'b', 'c'].map((key) => pending(key));
      records.forEach((record) => queue.push(record));

      expect(queue.take()).toEqual(records.slice(0, 2));
      expect(queue.size).toBe(1);
      expect(queue.take()).toEqual(records.slice(2));
      expect(queue.take()).toEqual([]);
    });

    it('should stop before maxBytes but always take at least one record', () => {
      const queue = new RecordAccumulator({ maxRecords: 10, maxBytes: 25 });
      const records = [pending('a', 40), pending('b', 10), pending('c', 10), pending('d', 10)];
      records.forEach((record) => queue.push(record));

      expect(queue.take()).toEqual([records[0]]);
      expect(queue.take()).toEqual([records[1], records[2]]);
      expect(queue.isFull()).toBe(false);
    });

    it('should drop records that already settled', () => {
      const queue = new RecordAccumulator({ maxRecords: 10, maxBytes: 1_000 });
      const [a, b, c] = [pending('a'), pending('b'), pending('c')];
      [a, b, c].forEach((record) => queue.push(record));
      b.fail(new Error('timed out'));
      b.promise.catch(() => undefined);

      expect(queue.take()).toEqual([a, c]);
      expect(queue.size).toBe(0);
    });
  });

  describe('oldestEnqueuedAt', () => {
    it('should be when the oldest waiting record arrived', () => {
      const queue = new RecordAccumulator({ maxRecords: 10, maxBytes: 1_000 });
      expect(queue.oldestEnqueuedAt).toBeUndefined();

      const first = pending('a');
      jest.advanceTimersByTime(7);
      queue.push(first);
      queue.push(pending('b'));

      expect(queue.oldestEnqueuedAt).toBe(first.enqueuedAt);
    });
  });
});
