import { KafkaUnavailableError } from './event-producer.errors';
import { PendingRecord, recordBytes } from './pending-record';

const record = { topic: 't', key: 'ké', value: Buffer.alloc(10), headers: { h: 'v1' } };

describe(PendingRecord.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('should settle once: the first outcome wins and is reported once', async () => {
    const onSettled = jest.fn();
    const pending = new PendingRecord(record, 1_000, onSettled);

    pending.succeed({ topic: 't', partition: 1, offset: '4' });
    pending.fail(new Error('late'));
    jest.advanceTimersByTime(1_000);

    await expect(pending.promise).resolves.toEqual({ topic: 't', partition: 1, offset: '4' });
    expect(pending.settled).toBe(true);
    expect(onSettled).toHaveBeenCalledTimes(1);
    expect(onSettled).toHaveBeenCalledWith('t', 'success', expect.any(Number));
  });

  it('should fail with KafkaUnavailableError at its deadline', async () => {
    const onSettled = jest.fn();
    const pending = new PendingRecord(record, 1_000, onSettled);

    jest.advanceTimersByTime(999);
    expect(pending.settled).toBe(false);
    jest.advanceTimersByTime(1);

    await expect(pending.promise).rejects.toThrow(
      new KafkaUnavailableError('Kafka did not acknowledge the record within 1000 ms'),
    );
    expect(onSettled).toHaveBeenCalledWith('t', 'failure', expect.any(Number));
    expect(pending.deadline - pending.enqueuedAt).toBe(1_000);
  });
});

describe(recordBytes.name, () => {
  it('should count key, value and headers in UTF-8 bytes', () => {
    expect(recordBytes(record)).toBe(3 + 10 + 1 + 2);
  });
});
