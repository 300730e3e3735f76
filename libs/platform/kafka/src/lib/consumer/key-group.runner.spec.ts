import type { KeyedRecordResult } from './keyed-batch.runner';
import { runKeyGroups } from './key-group.runner';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(runKeyGroups.name, () => {
  const keys = ['a', 'b', 'a', 'c', 'b'];

  it("should hand each key's records over in one call, in offset order, every group at once", async () => {
    const calls: number[][] = [];
    const done: number[] = [];

    const outcome = await runKeyGroups(keys, {
      concurrency: 10,
      keyOf: (key) => key,
      canStart: () => true,
      processGroup: async (indexes) => {
        calls.push([...indexes]);
        await tick();
        return indexes.map((): KeyedRecordResult => 'done');
      },
      onPrefixDone: (key) => void done.push(keys.indexOf(key)),
    });

    expect(calls).toEqual([[0, 2], [1, 4], [3]]);
    expect(done).toHaveLength(keys.length);
    expect(outcome).toEqual({ paused: false, resumeFrom: undefined });
  });

  it('should report only the unbroken prefix of done records, whatever order groups finish in', async () => {
    const prefix: number[] = [];
    const records = [0, 1, 2, 3];
    const release: Record<string, () => void> = {};

    const running = runKeyGroups(records, {
      concurrency: 10,
      keyOf: (record) => (record % 2 === 0 ? 'even' : 'odd'),
      canStart: () => true,
      processGroup: (indexes) =>
        new Promise((resolve) => (release[indexes[0] === 0 ? 'even' : 'odd'] = () => resolve(indexes.map(() => 'done')))),
      onPrefixDone: (record) => void prefix.push(record),
    });
    await tick();
    release['odd']?.();
    await tick();
    const afterOdd = [...prefix];
    release['even']?.();
    await running;

    expect(afterOdd).toEqual([]);
    expect(prefix).toEqual([0, 1, 2, 3]);
  });

  it('should stop starting groups once a record pauses and resume from the first record not done', async () => {
    const started: number[][] = [];

    const outcome = await runKeyGroups(['a', 'b', 'c'], {
      concurrency: 1,
      keyOf: (key) => key,
      canStart: () => true,
      processGroup: async (indexes) => {
        started.push([...indexes]);
        return indexes[0] === 1 ? ['paused'] : ['done'];
      },
      onPrefixDone: () => undefined,
    });

    expect(started).toEqual([[0], [1]]);
    expect(outcome).toEqual({ paused: true, resumeFrom: 'b' });
  });

  it('should rethrow a failure of a group once the groups in flight have finished', async () => {
    const failure = new Error('handler bug');

    await expect(
      runKeyGroups(['a', 'b'], {
        concurrency: 2,
        keyOf: (key) => key,
        canStart: () => true,
        processGroup: async (indexes) => {
          if (indexes[0] === 0) throw failure;
          return ['done'];
        },
        onPrefixDone: () => undefined,
      }),
    ).rejects.toBe(failure);
  });
});
