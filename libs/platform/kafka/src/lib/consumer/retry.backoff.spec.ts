import { backoffDelayMs } from './retry.backoff';

describe(backoffDelayMs.name, () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('should double the ceiling with every attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('should draw a delay between zero and the ceiling (full jitter)', () => {
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(200);
  });
});
