import { idempotencyKey } from './idempotency.key';

describe(idempotencyKey.name, () => {
  it('should build opal:idempotency:<scope>:<key>', () => {
    expect(idempotencyKey('webhook', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W')).toBe(
      'opal:idempotency:webhook:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    );
    expect(idempotencyKey('opal-diagnostics', 'a:b')).toBe('opal:idempotency:opal-diagnostics:a:b');
  });

  it.each(['', 'a:b'])('should reject the scope %j', (scope) => {
    expect(() => idempotencyKey(scope, 'k')).toThrow(TypeError);
  });

  it('should reject an empty key', () => {
    expect(() => idempotencyKey('webhook', '')).toThrow('idempotency key must be a non-empty string');
  });
});
