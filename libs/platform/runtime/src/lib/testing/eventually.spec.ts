import { eventually } from './eventually';

describe(eventually.name, () => {
  it('should read until the value is accepted and return it', async () => {
    let reads = 0;
    const value = await eventually(() => ++reads, (count) => count >= 3, 1_000, 1);

    expect(value).toBe(3);
    expect(reads).toBe(3);
  });

  it('should give up after the timeout and return the last value read', async () => {
    const value = await eventually(async () => 'not yet', (text) => text === 'done', 20, 5);

    expect(value).toBe('not yet');
  });
});
