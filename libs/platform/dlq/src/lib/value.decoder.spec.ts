import {
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from '@opal/platform-schema-registry/client';
import { decodeValue } from './value.decoder';

const registryThat = (decode: (value: Buffer) => Promise<{ schemaId: number; value: unknown }>) => ({
  decode: decode as <T>(value: Buffer) => Promise<{ schemaId: number; value: T }>,
});

describe(decodeValue.name, () => {
  it('should return the writer schema id and the value', async () => {
    const registry = registryThat(async () => ({ schemaId: 4, value: { a: 1 } }));

    expect(await decodeValue(registry, Buffer.from([0, 0, 0, 0, 4]))).toEqual({
      kind: 'decoded',
      schemaId: 4,
      value: { a: 1 },
    });
  });

  it('should call garbage bytes and unknown schema ids undecodable, a normal dead-letter case', async () => {
    const garbage = registryThat(async () => Promise.reject(new UndecodableMessageError('magic byte is 7')));
    const unknown = registryThat(async () => Promise.reject(UnknownSchemaError.forId(99)));

    expect(await decodeValue(garbage, Buffer.from([7]))).toEqual({
      kind: 'undecodable',
      errorClass: 'UndecodableMessageError',
      message: 'Message cannot be decoded: magic byte is 7',
    });
    expect(await decodeValue(unknown, Buffer.from([0, 0, 0, 0, 99]))).toMatchObject({
      kind: 'undecodable',
      errorClass: 'UnknownSchemaError',
    });
  });

  it('should tell a registry that cannot answer apart from bad bytes', async () => {
    const down = registryThat(async () =>
      Promise.reject(new SchemaRegistryUnavailableError('Schema Registry unavailable: ECONNREFUSED')),
    );

    expect(await decodeValue(down, Buffer.from([0, 0, 0, 0, 1]))).toEqual({
      kind: 'registry-error',
      errorClass: 'SchemaRegistryUnavailableError',
      message: 'Schema Registry unavailable: ECONNREFUSED',
    });
  });

  it('should not ask the registry about a null or empty value', async () => {
    const decode = jest.fn();

    expect(await decodeValue({ decode }, null)).toEqual({ kind: 'empty' });
    expect(await decodeValue({ decode }, Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(decode).not.toHaveBeenCalled();
  });
});
