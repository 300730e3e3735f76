import { TurnBatcher } from './turn-batcher';

interface Item {
  key: string;
  n: number;
}

describe(TurnBatcher.name, () => {
  const setup = (fail: (key: string) => boolean = () => false) => {
    const calls: Array<[string, number[]]> = [];
    const batcher = new TurnBatcher<Item>(
      (item) => item.key,
      async (key, items) => {
        calls.push([key, items.map((item) => item.n)]);
        if (fail(key)) throw new Error(`apply ${key} failed`);
      },
    );
    return { batcher, calls };
  };

  it('should apply what callers add in one turn once per key, in the order added', async () => {
    const { batcher, calls } = setup();

    await Promise.all([
      batcher.add([{ key: 'a', n: 1 }, { key: 'b', n: 2 }]),
      batcher.add([{ key: 'a', n: 3 }]),
      batcher.add([{ key: 'b', n: 4 }, { key: 'a', n: 5 }]),
    ]);

    expect(calls).toEqual([
      ['a', [1, 3, 5]],
      ['b', [2, 4]],
    ]);
  });

  it('should apply what is added in a later turn in a call of its own', async () => {
    const { batcher, calls } = setup();

    await batcher.add([{ key: 'a', n: 1 }]);
    await batcher.add([{ key: 'a', n: 2 }]);

    expect(calls).toEqual([
      ['a', [1]],
      ['a', [2]],
    ]);
  });

  it('should reject only the callers whose items went to a key that failed', async () => {
    const { batcher } = setup((key) => key === 'b');

    const results = await Promise.allSettled([batcher.add([{ key: 'a', n: 1 }]), batcher.add([{ key: 'a', n: 2 }, { key: 'b', n: 3 }])]);

    expect(results[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(results[1]).toEqual({ status: 'rejected', reason: new Error('apply b failed') });
  });

  it('should settle at once for nothing', async () => {
    const { batcher, calls } = setup();
    await expect(batcher.add([])).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});
