import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import type { CodecSchema } from './payload-validator';
import { SchemaRegistryClient } from './schema-registry.client';
import {
  InvalidSchemaError,
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from './schema-registry.errors';
import type { SchemaDefinition } from './schema-registry.types';

const BASE = 'http://registry.test/apis/ccompat/v7';
const SUBJECT = 'opal.test-value';
const avro: SchemaDefinition = {
  schemaType: 'AVRO',
  schema: JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] }),
};
const avroType = Type.forSchema(JSON.parse(avro.schema)) as unknown as CodecSchema;

type Route = (body: unknown) => Response;
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const notFound = (errorCode: number) => () => json(404, { error_code: errorCode, message: 'not found' });

/** A fake registry: answers by "METHOD /path" and records every request in order. */
function fakeRegistry(fetchMock: jest.SpiedFunction<typeof fetch>, routes: Record<string, Route | Route[]>) {
  const requests: string[] = [];
  fetchMock.mockImplementation(async (input, init) => {
    const key = `${init?.method ?? 'GET'} ${String(input).slice(BASE.length).replace(/\?.*$/, '')}`;
    requests.push(key);
    const route = routes[key];
    const handler = Array.isArray(route) ? route.shift() : route;
    if (!handler) {
      throw new Error(`unexpected request ${key}`);
    }
    return handler(init?.body ? JSON.parse(String(init.body)) : undefined);
  });
  return requests;
}

/** The codec's own HTTP client (mappersmith) rejects with an error that only carries a status. */
const codecFailure = (status: number, message: string) => Object.assign(new Error(message), { status });

describe(SchemaRegistryClient.name, () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;
  let getSchema: jest.SpiedFunction<SchemaRegistry['getSchema']>;
  let codecEncode: jest.SpiedFunction<SchemaRegistry['encode']>;
  let client: SchemaRegistryClient;

  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in unit tests'));
    getSchema = jest
      .spyOn(SchemaRegistry.prototype, 'getSchema')
      .mockRejectedValue(new Error('no codec in unit tests'));
    codecEncode = jest.spyOn(SchemaRegistry.prototype, 'encode');
    client = new SchemaRegistryClient({ url: `${BASE}/`, requestTimeoutMs: 100 });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('constructor', () => {
    it('should not touch the registry', () => {
      expect(fetchMock).not.toHaveBeenCalled();
      expect(getSchema).not.toHaveBeenCalled();
    });
  });

  describe('ensureSubject', () => {
    it('should set the compatibility level before registering, then report the new version', async () => {
      const configBodies: unknown[] = [];
      const requests = fakeRegistry(fetchMock, {
        [`PUT /config/${SUBJECT}`]: (body) => (configBodies.push(body), json(200, body)),
        [`POST /subjects/${SUBJECT}`]: [notFound(40401), () => json(200, { subject: SUBJECT, id: 31, version: 1 })],
        [`POST /subjects/${SUBJECT}/versions`]: () => json(200, { id: 31 }),
      });

      await expect(client.ensureSubject(SUBJECT, avro)).resolves.toEqual({ id: 31, version: 1, created: true });
      expect(requests).toEqual([
        `PUT /config/${SUBJECT}`,
        `POST /subjects/${SUBJECT}`,
        `POST /subjects/${SUBJECT}/versions`,
        `POST /subjects/${SUBJECT}`,
      ]);
      expect(configBodies).toEqual([{ compatibility: 'BACKWARD' }]);
    });

    it('should return an already registered schema with created=false and register nothing', async () => {
      const requests = fakeRegistry(fetchMock, {
        [`PUT /config/${SUBJECT}`]: (body) => json(200, body),
        [`POST /subjects/${SUBJECT}`]: () => json(200, { subject: SUBJECT, id: 31, version: 4 }),
      });

      await expect(client.ensureSubject(SUBJECT, avro, 'FULL')).resolves.toEqual({
        id: 31,
        version: 4,
        created: false,
      });
      expect(requests).not.toContain(`POST /subjects/${SUBJECT}/versions`);
    });

    it("should explain a 409 with the verbose compatibility test's messages (Confluent)", async () => {
      fakeRegistry(fetchMock, {
        [`PUT /config/${SUBJECT}`]: (body) => json(200, body),
        [`POST /subjects/${SUBJECT}`]: notFound(40403),
        [`POST /subjects/${SUBJECT}/versions`]: () =>
          json(409, { error_code: 409, message: 'Schema being registered is incompatible' }),
        [`POST /compatibility/subjects/${SUBJECT}/versions/latest`]: () =>
          json(200, {
            is_compatible: false,
            messages: ['READER_FIELD_MISSING_DEFAULT_VALUE: n', { oldSchemaVersion: 1 }],
          }),
      });

      const error = await client.ensureSubject(SUBJECT, avro).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaIncompatibleError);
      expect(error).toMatchObject({
        subject: SUBJECT,
        compatibility: 'BACKWARD',
        messages: ['READER_FIELD_MISSING_DEFAULT_VALUE: n', '{"oldSchemaVersion":1}'],
      });
    });

    it('should fall back to the registration message when the registry gives no verbose reasons (Apicurio)', async () => {
      fakeRegistry(fetchMock, {
        [`PUT /config/${SUBJECT}`]: (body) => json(200, body),
        [`POST /subjects/${SUBJECT}`]: notFound(40401),
        [`POST /subjects/${SUBJECT}/versions`]: () =>
          json(409, {
            error_code: 409,
            message:
              'io.apicurio.registry.rules.violation.RuleViolationException: Incompatible artifact: diff at /fields/0/type',
          }),
        [`POST /compatibility/subjects/${SUBJECT}/versions/latest`]: () => json(200, { is_compatible: false }),
      });

      await expect(client.ensureSubject(SUBJECT, avro)).rejects.toThrow(
        `Schema for subject "${SUBJECT}" is not BACKWARD compatible with its registered versions: Incompatible artifact: diff at /fields/0/type`,
      );
    });

    it('should turn a 422 into InvalidSchemaError', async () => {
      fakeRegistry(fetchMock, {
        [`PUT /config/${SUBJECT}`]: (body) => json(200, body),
        [`POST /subjects/${SUBJECT}`]: notFound(40401),
        [`POST /subjects/${SUBJECT}/versions`]: () => json(422, { error_code: 42201, message: 'Invalid schema' }),
      });

      await expect(client.ensureSubject(SUBJECT, avro)).rejects.toMatchObject({
        code: 'SCHEMA_INVALID',
        subject: SUBJECT,
        reason: 'Invalid schema',
      });
    });

    it('should stop at the config call when the registry is down', async () => {
      fetchMock.mockRejectedValue(new TypeError('fetch failed'));

      await expect(client.ensureSubject(SUBJECT, avro)).rejects.toBeInstanceOf(SchemaRegistryUnavailableError);
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });
  });

  describe('checkCompatibility', () => {
    it('should treat an unknown subject as compatible (Confluent answers 404)', async () => {
      fakeRegistry(fetchMock, { [`POST /compatibility/subjects/${SUBJECT}/versions/latest`]: notFound(40401) });

      await expect(client.checkCompatibility(SUBJECT, avro)).resolves.toEqual({ compatible: true, messages: [] });
    });

    it('should pass the verdict and the messages through', async () => {
      fakeRegistry(fetchMock, {
        [`POST /compatibility/subjects/${SUBJECT}/versions/latest`]: () =>
          json(200, { is_compatible: false, messages: ['m'] }),
      });

      await expect(client.checkCompatibility(SUBJECT, avro)).resolves.toEqual({ compatible: false, messages: ['m'] });
    });
  });

  describe('getLatestSchemaId', () => {
    it('should ask the registry once per subject', async () => {
      const requests = fakeRegistry(fetchMock, {
        [`GET /subjects/${SUBJECT}/versions/latest`]: () => json(200, { subject: SUBJECT, id: 8, version: 2 }),
      });

      const ids = await Promise.all([client.getLatestSchemaId(SUBJECT), client.getLatestSchemaId(SUBJECT)]);
      await client.getLatestSchemaId(SUBJECT);

      expect(ids).toEqual([8, 8]);
      expect(requests).toHaveLength(1);
    });

    it('should not cache a failure', async () => {
      fakeRegistry(fetchMock, {
        [`GET /subjects/${SUBJECT}/versions/latest`]: [
          () => json(503, { message: 'starting' }),
          () => json(200, { subject: SUBJECT, id: 8, version: 2 }),
        ],
      });

      await expect(client.getLatestSchemaId(SUBJECT)).rejects.toBeInstanceOf(SchemaRegistryUnavailableError);
      await expect(client.getLatestSchemaId(SUBJECT)).resolves.toBe(8);
    });

    it('should throw UnknownSchemaError for a subject without versions', async () => {
      fakeRegistry(fetchMock, { [`GET /subjects/${SUBJECT}/versions/latest`]: notFound(40401) });

      await expect(client.getLatestSchemaId(SUBJECT)).rejects.toMatchObject({
        code: 'SCHEMA_UNKNOWN',
        subject: SUBJECT,
      });
    });

    it('should forget the cached id once ensureSubject registers a new version', async () => {
      fakeRegistry(fetchMock, {
        [`GET /subjects/${SUBJECT}/versions/latest`]: [
          () => json(200, { subject: SUBJECT, id: 8, version: 1 }),
          () => json(200, { subject: SUBJECT, id: 9, version: 2 }),
        ],
        [`PUT /config/${SUBJECT}`]: (body) => json(200, body),
        [`POST /subjects/${SUBJECT}`]: [notFound(40403), () => json(200, { subject: SUBJECT, id: 9, version: 2 })],
        [`POST /subjects/${SUBJECT}/versions`]: () => json(200, { id: 9 }),
      });

      await expect(client.getLatestSchemaId(SUBJECT)).resolves.toBe(8);
      await client.ensureSubject(SUBJECT, avro);
      await expect(client.getLatestSchemaId(SUBJECT)).resolves.toBe(9);
    });
  });

  describe('encodeWithId', () => {
    it('should refuse an invalid payload before the codec encodes anything', async () => {
      getSchema.mockResolvedValue(avroType);

      const error = await client.encodeWithId(5, { n: 'one' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PayloadValidationError);
      expect(error).toMatchObject({ schemaId: 5, errors: [{ path: 'n', message: 'expected int, got "one"' }] });
      expect(codecEncode).not.toHaveBeenCalled();
    });

    it('should leave the framing of a valid Avro payload to the codec', async () => {
      getSchema.mockResolvedValue(avroType);
      codecEncode.mockResolvedValue(Buffer.from([0, 0, 0, 0, 5, 2]));

      await expect(client.encodeWithId(5, { n: 1 })).resolves.toEqual(Buffer.from([0, 0, 0, 0, 5, 2]));
      expect(codecEncode).toHaveBeenCalledWith(5, { n: 1 });
    });

    it.each([
      ['404', codecFailure(404, 'Schema 5 not found'), UnknownSchemaError],
      [
        'a refused connection',
        codecFailure(400, 'opal-schema-registry - Error, status 400: connect ECONNREFUSED'),
        SchemaRegistryUnavailableError,
      ],
      [
        'a timeout',
        codecFailure(400, 'opal-schema-registry - Error, status 400: Timeout (100ms)'),
        SchemaRegistryUnavailableError,
      ],
      ['a 503', codecFailure(503, 'unavailable'), SchemaRegistryUnavailableError],
      ['a 401', codecFailure(401, 'Unauthorized'), SchemaRegistryRequestError],
      ['an unparsable schema', new Error('invalid schemaType'), InvalidSchemaError],
    ])('should map %s while fetching the schema to a typed error', async (_, failure, expected) => {
      getSchema.mockRejectedValue(failure);

      await expect(client.encodeWithId(5, { n: 1 })).rejects.toBeInstanceOf(expected);
    });

    it('should word a codec network failure without the HTTP client noise', async () => {
      getSchema.mockRejectedValue(
        codecFailure(400, 'opal-schema-registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:1'),
      );

      await expect(client.encodeWithId(5, { n: 1 })).rejects.toThrow(
        'Schema Registry unavailable: GET /schemas/ids/5 failed: connect ECONNREFUSED 127.0.0.1:1',
      );
    });
  });

  describe('decode', () => {
    it('should refuse bytes without the Confluent header before any request', async () => {
      await expect(client.decode(Buffer.from('{"n":1}'))).rejects.toBeInstanceOf(UndecodableMessageError);
      await expect(client.decode(Buffer.from([0, 0, 1]))).rejects.toBeInstanceOf(UndecodableMessageError);
      expect(getSchema).not.toHaveBeenCalled();
      expect(fetchMock).not.toHaveBeenCalled();
    });

    it('should report an unknown schema id as UnknownSchemaError', async () => {
      getSchema.mockRejectedValue(codecFailure(404, 'Schema 77 not found'));

      await expect(client.decode(Buffer.from([0, 0, 0, 0, 77, 2]))).rejects.toMatchObject({
        code: 'SCHEMA_UNKNOWN',
        schemaId: 77,
      });
    });

    it('should report a schema the codec cannot read as undecodable', async () => {
      getSchema.mockRejectedValue(new Error('invalid schemaType'));

      await expect(client.decode(Buffer.from([0, 0, 0, 0, 77, 2]))).rejects.toMatchObject({
        code: 'MESSAGE_UNDECODABLE',
        schemaId: 77,
      });
    });

    it('should report a body the schema cannot read as undecodable', async () => {
      getSchema.mockResolvedValue(avroType);
      jest.spyOn(SchemaRegistry.prototype, 'decode').mockRejectedValue(new Error('truncated buffer'));

      await expect(client.decode(Buffer.from([0, 0, 0, 0, 5]))).rejects.toThrow(
        'Message cannot be decoded: body does not match schema 5: truncated buffer',
      );
    });
  });
});
