import { loadWithoutNest } from '@opal/platform-runtime/testing';

describe('@opal/platform-schema-registry/client', () => {
  it('should load without any Nest package (the client SDK ships without Nest)', () => {
    expect(typeof loadWithoutNest(require.resolve('./client'))['SchemaRegistryClient']).toBe('function');
  });

  it('should be the only entry that does (the check above can fail)', () => {
    expect(() => loadWithoutNest(require.resolve('./index'))).toThrow('was loaded');
  });
});
