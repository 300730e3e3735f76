import { Test } from '@nestjs/testing';
import { SchemaRegistryClient } from './schema-registry.client';
import { SCHEMA_REGISTRY_OPTIONS } from './schema-registry.constants';
import { SchemaRegistryModule } from './schema-registry.module';

describe(SchemaRegistryModule.name, () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;

  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });

  afterEach(() => {
    fetchMock.mockRestore();
  });

  describe('forRoot', () => {
    it('should provide the client and its options without contacting the registry', async () => {
      const options = { url: 'http://registry.test', requestTimeoutMs: 100 };
      const moduleRef = await Test.createTestingModule({ imports: [SchemaRegistryModule.forRoot(options)] }).compile();

      expect(moduleRef.get(SchemaRegistryClient)).toBeInstanceOf(SchemaRegistryClient);
      expect(moduleRef.get(SCHEMA_REGISTRY_OPTIONS)).toEqual(options);
      expect(fetchMock).not.toHaveBeenCalled();
      await moduleRef.close();
    });
  });

  describe('forRootAsync', () => {
    it('should build the options from a factory', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          SchemaRegistryModule.forRootAsync({
            isGlobal: true,
            useFactory: async () => ({ url: 'http://registry.test', auth: { username: 'u', password: 'p' } }),
          }),
        ],
      }).compile();

      expect(moduleRef.get(SchemaRegistryClient)).toBeInstanceOf(SchemaRegistryClient);
      expect(moduleRef.get(SCHEMA_REGISTRY_OPTIONS)).toMatchObject({ url: 'http://registry.test' });
      await moduleRef.close();
    });
  });
});
