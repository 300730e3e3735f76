import { IDEMPOTENCY_KEY_PREFIX, idempotencyScopePrefix } from './redis-key-prefixes';

describe(idempotencyScopePrefix.name, () => {
  it('should be opal:idempotency:<scope>:', () => {
    expect(idempotencyScopePrefix('opal-diagnostics')).toBe('opal:idempotency:opal-diagnostics:');
    expect(idempotencyScopePrefix('webhook').startsWith(`${IDEMPOTENCY_KEY_PREFIX}:`)).toBe(true);
  });
});
