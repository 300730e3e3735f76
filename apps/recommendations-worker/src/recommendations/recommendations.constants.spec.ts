import { DECISION_ID_PATTERN } from './recommendations.constants';

describe('DECISION_ID_PATTERN', () => {
  it.each(['dec-2026-11-26-0001', 'a', 'A_b.c:d-e', '0f8fad5b-d9cb-469f-a165-70867728950e', 'x'.repeat(100)])(
    'should accept %p',
    (id) => expect(DECISION_ID_PATTERN.test(id)).toBe(true),
  );

  it.each(['', 'x'.repeat(101), 'dec 1', 'dec/1', 'déc', 'dec\n1', 'dec%201'])('should refuse %p', (id) =>
    expect(DECISION_ID_PATTERN.test(id)).toBe(false),
  );
});
