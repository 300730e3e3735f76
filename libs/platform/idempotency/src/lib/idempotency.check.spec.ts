import { toCheckResult } from './idempotency.check';
import type { IdempotencyClaim } from './idempotency.types';

describe(toCheckResult.name, () => {
  it.each<[IdempotencyClaim, string]>([
    [{ state: 'claimed', token: 't' }, 'claimed'],
    [{ state: 'done', sameFingerprint: true, result: { offset: '1' } }, 'duplicate'],
    [{ state: 'done', sameFingerprint: false, result: { offset: '1' } }, 'mismatch'],
    [{ state: 'in-flight', sameFingerprint: true }, 'in_flight'],
    [{ state: 'in-flight', sameFingerprint: false }, 'mismatch'],
  ])('should map %j to %s', (claim, expected) => {
    expect(toCheckResult(claim)).toBe(expected);
  });
});
