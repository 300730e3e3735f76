import { Type } from 'avsc';
import {
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryClient,
  UndecodableMessageError,
  UnknownSchemaError,
} from '../src';
import { readSubjectConfig, registryUrl, uniqueSubject } from './registry-stack';
import {
  agentCompletedV1,
  agentCompletedV2,
  validAgentCompleted,
  withChangedFieldType,
  withNewRequiredField,
  withRemovedField,
} from './test-schemas';

describe(`${SchemaRegistryClient.name} (Avro, real registry)`, () => {
  const client = new SchemaRegistryClient({ url: registryUrl, requestTimeoutMs: 10_000 });
  const subject = uniqueSubject('agent-completed');
  let v1: { id: number; version: number; created: boolean };

  beforeAll(async () => {
    v1 = await client.ensureSubject(subject, agentCompletedV1);
  });

  describe('ensureSubject', () => {
    it('should register the first version and set the subject to BACKWARD', async () => {
      expect(v1).toEqual({ id: expect.any(Number), version: 1, created: true });
      expect(await readSubjectConfig(subject)).toEqual({ compatibilityLevel: 'BACKWARD' });
    });

    it('should return the same id and version with created=false for the same schema', async () => {
      expect(await client.ensureSubject(subject, agentCompletedV1)).toEqual({ ...v1, created: false });
    });

    it('should register a new optional field with default null as version 2', async () => {
      const v2 = await client.ensureSubject(subject, agentCompletedV2);

      expect(v2).toEqual({ id: expect.any(Number), version: 2, created: true });
      expect(v2.id).not.toBe(v1.id);
      expect(await client.getLatestSchemaId(subject)).toBe(v2.id);
    });

    it.each([
      ['a new field without default', withNewRequiredField, 'client_name'],
      ['a changed field type', withChangedFieldType, 'offset'],
    ])('should reject %s with a SchemaIncompatibleError naming the subject', async (_, schema, field) => {
      const rejection = client.ensureSubject(subject, schema);

      await expect(rejection).rejects.toBeInstanceOf(SchemaIncompatibleError);
      const error = (await rejection.catch((e: unknown) => e)) as SchemaIncompatibleError;
      expect(error.code).toBe('SCHEMA_INCOMPATIBLE');
      expect(error.subject).toBe(subject);
      expect(error.message).toContain(`subject "${subject}" is not BACKWARD compatible`);
      expect(error.messages.length).toBeGreaterThan(0);
      expect(error.message).toMatch(new RegExp(`${field}|/fields/`));
    });

    it('should refuse a removed field without default under FORWARD', async () => {
      const forwardSubject = uniqueSubject('forward');
      await client.ensureSubject(forwardSubject, agentCompletedV2, 'FORWARD');

      await expect(client.ensureSubject(forwardSubject, withRemovedField, 'FORWARD')).rejects.toMatchObject({
        code: 'SCHEMA_INCOMPATIBLE',
        subject: forwardSubject,
        compatibility: 'FORWARD',
      });
      expect(await readSubjectConfig(forwardSubject)).toEqual({ compatibilityLevel: 'FORWARD' });
    });
  });

  describe('describeSubjects', () => {
    it('should list the subject with its versions, latest schema id and compatibility level', async () => {
      const latestId = await client.getLatestSchemaId(subject);

      const described = (await client.describeSubjects()).find((entry) => entry.subject === subject);

      expect(described).toEqual({ subject, versions: [1, 2], latestId, compatibility: 'BACKWARD' });
    });
  });

  describe('checkCompatibility', () => {
    it('should say false for an incompatible change and true for a compatible one', async () => {
      expect(await client.checkCompatibility(subject, withNewRequiredField)).toMatchObject({ compatible: false });
      expect(await client.checkCompatibility(subject, withChangedFieldType)).toMatchObject({ compatible: false });
      expect(await client.checkCompatibility(subject, agentCompletedV2)).toMatchObject({ compatible: true });
    });

    it('should say true for a subject that does not exist yet', async () => {
      expect(await client.checkCompatibility(uniqueSubject('never-registered'), agentCompletedV1)).toEqual({
        compatible: true,
        messages: [],
      });
    });
  });

  describe('encode / decode', () => {
    it('should round-trip a payload through the Confluent wire format', async () => {
      const encoded = await client.encodeWithId(v1.id, validAgentCompleted);

      expect(encoded.readUInt8(0)).toBe(0);
      expect(encoded.readInt32BE(1)).toBe(v1.id);
      const body = Type.forSchema(JSON.parse(agentCompletedV1.schema)).toBuffer(validAgentCompleted);
      expect(encoded.subarray(5).equals(body)).toBe(true);
      expect(await client.decode(encoded)).toEqual({ schemaId: v1.id, value: validAgentCompleted });
    });

    it("should encode with the subject's latest schema and fill defaults", async () => {
      const encoded = await client.encode(subject, validAgentCompleted);
      const latestId = await client.getLatestSchemaId(subject);

      expect(encoded.readInt32BE(1)).toBe(latestId);
      expect((await client.decode(encoded)).value).toEqual({ ...validAgentCompleted, session_id: null });
    });

    it('should refuse a wrong type before encoding, naming the path and the expected type', async () => {
      const payload = { ...validAgentCompleted, agent_data: { recommendations: ['x'], confidence_score: 'high' } };

      await expect(client.encode(subject, payload)).rejects.toMatchObject({
        code: 'PAYLOAD_INVALID',
        errors: [{ path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' }],
      });
    });

    it('should refuse a missing required field, naming it', async () => {
      const payload = Object.fromEntries(
        Object.entries(validAgentCompleted).filter(([name]) => name !== 'workflow_id'),
      );

      const error = await client.encode(subject, payload).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PayloadValidationError);
      expect((error as PayloadValidationError).errors).toEqual([
        { path: 'workflow_id', message: 'required field missing, expected string' },
      ]);
      expect((error as PayloadValidationError).message).toContain(`subject "${subject}"`);
    });

    it('should throw UndecodableMessageError for garbage bytes', async () => {
      await expect(client.decode(Buffer.from('not avro at all'))).rejects.toBeInstanceOf(UndecodableMessageError);
      await expect(client.decode(Buffer.from([0, 0, 0]))).rejects.toMatchObject({ code: 'MESSAGE_UNDECODABLE' });
    });

    it('should throw UndecodableMessageError for a body that does not match its schema', async () => {
      const truncated = (await client.encodeWithId(v1.id, validAgentCompleted)).subarray(0, 12);

      await expect(client.decode(truncated)).rejects.toMatchObject({ code: 'MESSAGE_UNDECODABLE', schemaId: v1.id });
    });

    it('should throw UnknownSchemaError for a schema id the registry does not know', async () => {
      const frame = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x61]);

      await expect(client.decode(frame)).rejects.toBeInstanceOf(UnknownSchemaError);
      await expect(client.decode(frame)).rejects.toMatchObject({ code: 'SCHEMA_UNKNOWN', schemaId: 0x7ffffff0 });
    });

    it('should decode a batch at once with, for each message, what decode gives or throws for it', async () => {
      const batch = [
        await client.encodeWithId(v1.id, validAgentCompleted),
        Buffer.from('not avro at all'),
        (await client.encodeWithId(v1.id, validAgentCompleted)).subarray(0, 12),
        Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x61]),
        await client.encode(subject, validAgentCompleted),
      ];

      const results = await client.decodeBatch(batch);
      const one = await Promise.all(batch.map((message) => client.decode(message).then((decoded) => ({ decoded }), (error: unknown) => ({ error }))));

      expect(results).toHaveLength(batch.length);
      expect(results[0]).toEqual({ decoded: { schemaId: v1.id, value: validAgentCompleted } });
      expect(results[1]?.error).toBeInstanceOf(UndecodableMessageError);
      expect(results[2]?.error).toMatchObject({ code: 'MESSAGE_UNDECODABLE', schemaId: v1.id });
      expect(results[3]?.error).toBeInstanceOf(UnknownSchemaError);
      expect(results[4]?.decoded?.value).toEqual({ ...validAgentCompleted, session_id: null });
      results.forEach((result, index) => {
        const alone = one[index] as { decoded?: unknown; error?: Error };
        if (alone.error) expect(result.error).toMatchObject({ name: alone.error.name, message: alone.error.message });
        else expect(result.decoded).toEqual(alone.decoded);
      });
    });

    it('should throw UnknownSchemaError when encoding for a subject without schemas', async () => {
      await expect(client.encode(uniqueSubject('empty'), validAgentCompleted)).rejects.toMatchObject({
        code: 'SCHEMA_UNKNOWN',
      });
    });
  });
});
