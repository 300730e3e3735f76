import { parseRetryAfter } from './retry-after';

describe(parseRetryAfter.name, () => {
  const now = Date.parse('2026-11-26T12:00:00Z');

  it('should read delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('should read an HTTP date as the time from now, never negative', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('should ignore an absent or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});
