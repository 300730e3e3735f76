import { SchemaIncompatibleError, SchemaRegistryClient } from '../src';
import { readSubjectConfig, registryUrl, uniqueSubject } from './registry-stack';
import { pingV1, pingV2, pingWithChangedType } from './test-schemas';

describe(`${SchemaRegistryClient.name} (Protobuf, real registry)`, () => {
  const client = new SchemaRegistryClient({ url: registryUrl, requestTimeoutMs: 10_000 });
  const subject = uniqueSubject('ping-proto');
  const ping = { workflowId: 'wf-9', count: 3, tags: ['a', 'b'] };
  let v1: { id: number; version: number; created: boolean };

  beforeAll(async () => {
    v1 = await client.ensureSubject(subject, pingV1);
  });

  it('should register a PROTOBUF schema idempotently under BACKWARD', async () => {
    expect(v1).toEqual({ id: expect.any(Number), version: 1, created: true });
    expect(await client.ensureSubject(subject, pingV1)).toEqual({ ...v1, created: false });
    expect(await readSubjectConfig(subject)).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('should tell a compatible change from an incompatible one', async () => {
    expect(await client.checkCompatibility(subject, pingV2)).toMatchObject({ compatible: true });
    expect(await client.checkCompatibility(subject, pingWithChangedType)).toMatchObject({ compatible: false });
  });

  it('should reject an incompatible version with a SchemaIncompatibleError naming the subject', async () => {
    const error = await client.ensureSubject(subject, pingWithChangedType).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SchemaIncompatibleError);
    expect((error as SchemaIncompatibleError).message).toContain(`subject "${subject}"`);
  });

  it('should round-trip a message in the Confluent Protobuf framing', async () => {
    const encoded = await client.encode(subject, ping);

    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(v1.id);
    expect(encoded.readUInt8(5)).toBe(0);
    expect(await client.decode(encoded)).toEqual({ schemaId: v1.id, value: ping });
  });

  it('should round-trip a message whose fields all hold their defaults (an index-only frame)', async () => {
    const encoded = await client.encode(subject, {});

    expect(encoded).toHaveLength(6);
    expect(await client.decode(encoded)).toMatchObject({ schemaId: v1.id, value: { workflowId: '', count: 0 } });
  });

  it('should refuse an invalid payload before encoding, naming the field', async () => {
    await expect(client.encode(subject, { ...ping, count: 'three' })).rejects.toMatchObject({
      code: 'PAYLOAD_INVALID',
      errors: [{ path: 'count', message: 'expected integer' }],
    });
  });

  it('should register a compatible change as version 2', async () => {
    expect(await client.ensureSubject(subject, pingV2)).toMatchObject({ version: 2, created: true });
  });
});
