import { runKeyedBatch, type KeyedRecordResult } from './keyed-batch.runner';

interface Message {
  offset: number;
  key: string;
}

const batch = (...keys: string[]): Message[] => keys.map((key, offset) => ({ offset, key }));

/** A process() whose records finish only when the test says so, recording what ran when. */
function controlledProcess() {
  const started: number[] = [];
  const finishers = new Map<number, (result: KeyedRecordResult) => void>();
  const failers = new Map<number, (error: Error) => void>();
  let running = 0;
  let maxRunning = 0;
  const process = (message: Message) =>
    new Promise<KeyedRecordResult>((resolve, reject) => {
      started.push(message.offset);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      finishers.set(message.offset, (result) => {
        running -= 1;
        resolve(result);
      });
      failers.set(message.offset, (error) => {
        running -= 1;
        reject(error);
      });
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const finish = async (offset: number, result: KeyedRecordResult = 'done') => {
    const finisher = finishers.get(offset);
    if (!finisher) throw new Error(`record ${offset} has not started`);
    finisher(result);
    await tick();
    await tick();
  };
  const fail = async (offset: number, error: Error) => {
    failers.get(offset)?.(error);
    await tick();
  };
  return { process, started, finish, fail, tick, maxRunning: () => maxRunning };
}

describe(runKeyedBatch.name, () => {
  it('should process strictly in offset order with concurrency 1', async () => {
    const order: number[] = [];
    const prefix: number[] = [];

    const outcome = await runKeyedBatch(batch('a', 'b', 'c', 'a'), {
      concurrency: 1,
      keyOf: (message) => message.key,
      process: async (message) => {
        order.push(message.offset);
        return 'done';
      },
      canStart: () => true,
      onPrefixDone: (message) => void prefix.push(message.offset),
    });

    expect(order).toEqual([0, 1, 2, 3]);
    expect(prefix).toEqual([0, 1, 2, 3]);
    expect(outcome).toEqual({ paused: false, resumeFrom: undefined });
  });

  it('should overlap different keys up to the concurrency, but run one key at a time in offset order', async () => {
    const control = controlledProcess();
    const prefix: number[] = [];
    const running = runKeyedBatch(batch('a', 'a', 'b', 'c', 'd'), {
      concurrency: 3,
      keyOf: (message) => message.key,
      process: control.process,
      canStart: () => true,
      onPrefixDone: (message) => void prefix.push(message.offset),
    });
    await control.tick();

    // 0 (a), 2 (b), 3 (c) start; 1 waits for its key, 4 for a free slot.
    expect(control.started).toEqual([0, 2, 3]);
    await control.finish(2);
    expect(control.started).toEqual([0, 2, 3, 4]);
    expect(prefix).toEqual([]);
    await control.finish(0);
    expect(control.started).toEqual([0, 2, 3, 4, 1]);
    expect(prefix).toEqual([0]);
    for (const offset of [3, 4, 1]) await control.finish(offset);

    await expect(running).resolves.toEqual({ paused: false, resumeFrom: undefined });
    expect(prefix).toEqual([0, 1, 2, 3, 4]);
    expect(control.maxRunning()).toBe(3);
  });

  it('should report only the contiguous done prefix, never past a record still running', async () => {
    const control = controlledProcess();
    const prefix: number[] = [];
    const running = runKeyedBatch(batch('a', 'b', 'c'), {
      concurrency: 3,
      keyOf: (message) => message.key,
      process: control.process,
      canStart: () => true,
      onPrefixDone: (message) => void prefix.push(message.offset),
    });
    await control.tick();

    await control.finish(2);
    await control.finish(1);
    expect(prefix).toEqual([]);
    await control.finish(0);

    await running;
    expect(prefix).toEqual([0, 1, 2]);
  });

  it('should start nothing new once a record pauses, let the others finish, and resume from the first record not done', async () => {
    const control = controlledProcess();
    const prefix: number[] = [];
    const running = runKeyedBatch(batch('a', 'b', 'a', 'c'), {
      concurrency: 2,
      keyOf: (message) => message.key,
      process: control.process,
      canStart: () => true,
      onPrefixDone: (message) => void prefix.push(message.offset),
    });
    await control.tick();
    expect(control.started).toEqual([0, 1]);

    await control.finish(1, 'paused');
    expect(control.started).toEqual([0, 1]);
    await control.finish(0);

    const batchMessages = await running;
    expect(batchMessages.paused).toBe(true);
    expect(batchMessages.resumeFrom).toEqual({ offset: 1, key: 'b' });
    expect(prefix).toEqual([0]);
  });

  it('should stop starting records when canStart turns false and say where to resume', async () => {
    let open = true;
    const processed: number[] = [];
    const outcome = await runKeyedBatch(batch('a', 'b', 'c'), {
      concurrency: 1,
      keyOf: (message) => message.key,
      process: async (message) => {
        processed.push(message.offset);
        open = false;
        return 'done';
      },
      canStart: () => open,
      onPrefixDone: () => undefined,
    });

    expect(processed).toEqual([0]);
    expect(outcome).toEqual({ paused: false, resumeFrom: { offset: 1, key: 'b' } });
  });

  it('should wait for the records in flight, then rethrow what a record threw', async () => {
    const control = controlledProcess();
    const prefix: number[] = [];
    const running = runKeyedBatch(batch('a', 'b'), {
      concurrency: 2,
      keyOf: (message) => message.key,
      process: control.process,
      canStart: () => true,
      onPrefixDone: (message) => void prefix.push(message.offset),
    });
    const settled = running.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await control.tick();

    await control.fail(0, new Error('unexpected'));
    await control.finish(1);

    await expect(settled).resolves.toBe('unexpected');
    expect(prefix).toEqual([]);
  });
});
