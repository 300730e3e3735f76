import { SchemaRegistryRequestError, SchemaRegistryUnavailableError } from './schema-registry.errors';
import { readableMessage, SchemaRegistryRestApi } from './schema-registry.rest-api';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe(SchemaRegistryRestApi.name, () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;
  const api = new SchemaRegistryRestApi({
    url: 'http://registry.test/apis/ccompat/v7/',
    auth: { username: 'svc', password: 's3cret' },
    requestTimeoutMs: 50,
  });

  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });

  afterEach(() => {
    fetchMock.mockRestore();
  });

  const lastRequest = () => {
    const [url, init] = fetchMock.mock.calls.at(-1) ?? [];
    return { url: String(url), init: init ?? {} };
  };

  describe('setCompatibility', () => {
    it('should PUT the level with basic auth and the Confluent media type', async () => {
      fetchMock.mockResolvedValue(json(200, { compatibility: 'BACKWARD' }));

      await api.setCompatibility('opal.a/b-value', 'BACKWARD');

      const { url, init } = lastRequest();
      expect(url).toBe('http://registry.test/apis/ccompat/v7/config/opal.a%2Fb-value');
      expect(init.method).toBe('PUT');
      expect(init.body).toBe('{"compatibility":"BACKWARD"}');
      expect(init.headers).toMatchObject({
        authorization: `Basic ${Buffer.from('svc:s3cret').toString('base64')}`,
        'content-type': 'application/vnd.schemaregistry.v1+json',
      });
    });
  });

  describe('getCompatibility', () => {
    it("should ask for the subject's level falling back to the global one", async () => {
      fetchMock.mockResolvedValue(json(200, { compatibilityLevel: 'BACKWARD' }));

      await expect(api.getCompatibility('opal.x-value')).resolves.toBe('BACKWARD');
      expect(lastRequest().url).toBe('http://registry.test/apis/ccompat/v7/config/opal.x-value?defaultToGlobal=true');
    });
  });

  describe('listSubjects', () => {
    it('should refuse a body that is not a list of names', async () => {
      fetchMock.mockResolvedValue(json(200, { subjects: ['a'] }));

      await expect(api.listSubjects()).rejects.toThrow(SchemaRegistryRequestError);
    });
  });

  describe('lookupSchema', () => {
    it('should omit schemaType for Avro and send it for Protobuf', async () => {
      fetchMock.mockImplementation(async () => json(200, { subject: 's', id: 1, version: 1, schema: '' }));

      await api.lookupSchema('s', { schemaType: 'AVRO', schema: '"string"' });
      expect(JSON.parse(String(lastRequest().init.body))).toEqual({ schema: '"string"' });

      await api.lookupSchema('s', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' });
      expect(JSON.parse(String(lastRequest().init.body))).toEqual({
        schema: 'syntax = "proto3";',
        schemaType: 'PROTOBUF',
      });
    });

    it('should answer null for an unknown subject or schema', async () => {
      fetchMock.mockResolvedValue(json(404, { error_code: 40401, message: 'Subject not found' }));

      await expect(api.lookupSchema('s', { schemaType: 'AVRO', schema: '"string"' })).resolves.toBeNull();
    });
  });

  describe('testCompatibility', () => {
    it('should ask for verbose answers', async () => {
      fetchMock.mockResolvedValue(json(200, { is_compatible: false, messages: ['reason'] }));

      await expect(api.testCompatibility('s', { schemaType: 'AVRO', schema: '"string"' })).resolves.toEqual({
        is_compatible: false,
        messages: ['reason'],
      });
      expect(lastRequest().url).toBe(
        'http://registry.test/apis/ccompat/v7/compatibility/subjects/s/versions/latest?verbose=true',
      );
    });
  });

  describe('errors', () => {
    it('should turn a refused connection into SchemaRegistryUnavailableError with its cause', async () => {
      const failure = new TypeError('fetch failed', { cause: Object.assign(new Error(''), { code: 'ECONNREFUSED' }) });
      fetchMock.mockRejectedValue(failure);

      const error = await api.getLatestVersion('s').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect((error as Error).message).toBe(
        'Schema Registry unavailable: GET /subjects/s/versions/latest failed: ECONNREFUSED',
      );
      expect((error as Error).cause).toBe(failure);
    });

    it('should turn a timeout into SchemaRegistryUnavailableError', async () => {
      fetchMock.mockImplementation(
        (_url, init) =>
          new Promise((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          }),
      );

      const error = await api.getGlobalConfig().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect((error as Error).message).toBe('Schema Registry unavailable: GET /config timed out after 50 ms');
    });

    it.each([500, 502, 503, 408, 429])('should treat HTTP %i as unavailable', async (status) => {
      fetchMock.mockResolvedValue(json(status, { error_code: 50001, message: 'Error in the backend data store' }));

      await expect(api.getGlobalConfig()).rejects.toMatchObject({ code: 'SCHEMA_REGISTRY_UNAVAILABLE', status });
    });

    it('should keep the registry error code and a readable message of a refusal', async () => {
      fetchMock.mockResolvedValue(
        json(409, {
          error_code: 409,
          message: 'io.apicurio.registry.rules.violation.RuleViolationException: Incompatible artifact: s [AVRO]',
        }),
      );

      const error = await api.registerSchema('s', { schemaType: 'AVRO', schema: '"string"' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryRequestError);
      expect(error).toMatchObject({
        status: 409,
        registryErrorCode: 409,
        registryMessage: 'Incompatible artifact: s [AVRO]',
      });
    });

    it('should refuse a 2xx body that is not what the registry sends', async () => {
      fetchMock.mockResolvedValue(new Response('<html>proxy login</html>', { status: 200 }));

      await expect(api.registerSchema('s', { schemaType: 'AVRO', schema: '"string"' })).rejects.toBeInstanceOf(
        SchemaRegistryRequestError,
      );
    });
  });
});

describe(readableMessage.name, () => {
  it.each([
    [
      'io.confluent.kafka.schemaregistry.rest.exceptions.RestIncompatibleSchemaException: Schema is incompatible',
      'Schema is incompatible',
    ],
    ['Subject not found.', 'Subject not found.'],
  ])('should turn %j into %j', (raw, readable) => {
    expect(readableMessage(raw)).toBe(readable);
  });
});
