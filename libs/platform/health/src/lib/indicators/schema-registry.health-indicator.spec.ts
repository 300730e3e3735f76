import { SchemaRegistryHealthIndicator } from './schema-registry.health-indicator';

describe(SchemaRegistryHealthIndicator.name, () => {
  describe('check', () => {
    it('should report up when the registry answers', async () => {
      const indicator = new SchemaRegistryHealthIndicator({ ping: jest.fn().mockResolvedValue(undefined) });

      expect(await indicator.check()).toEqual({ schema_registry: { status: 'up' } });
    });

    it('should report down with the client\'s error', async () => {
      const ping = jest.fn().mockRejectedValue(new Error('Schema Registry unavailable: connect ECONNREFUSED'));

      expect(await new SchemaRegistryHealthIndicator({ ping }).check()).toEqual({
        schema_registry: { status: 'down', message: 'Schema Registry unavailable: connect ECONNREFUSED' },
      });
    });

    it('should report down when the registry hangs', async () => {
      const ping = jest.fn(() => new Promise<never>(() => undefined));

      expect(await new SchemaRegistryHealthIndicator({ ping }, { timeoutMs: 20 }).check()).toEqual({
        schema_registry: { status: 'down', message: 'schema_registry did not answer within 20 ms' },
      });
    });
  });
});
