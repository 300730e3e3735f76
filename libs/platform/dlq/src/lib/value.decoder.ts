import {
  UndecodableMessageError,
  UnknownSchemaError,
  type SchemaRegistryClient,
} from '@opal/platform-schema-registry/client';

/**
 * What the registry made of a dead letter's value. Garbage bytes and unknown schema ids are a
 * normal reason for a record to be in a DLQ (`undecodable`); a registry that cannot answer is a
 * failure of the request (`registry-error`).
 */
export type DecodedValue =
  | { kind: 'empty' }
  | { kind: 'decoded'; schemaId: number; value: unknown }
  | { kind: 'undecodable'; errorClass: string; message: string }
  | { kind: 'registry-error'; errorClass: string; message: string };

/** Decodes a Confluent-framed value through the registry; never throws. */
export async function decodeValue(
  registry: Pick<SchemaRegistryClient, 'decode'>,
  value: Buffer | null,
): Promise<DecodedValue> {
  if (value === null || value.length === 0) return { kind: 'empty' };
  try {
    const decoded = await registry.decode(value);
    return { kind: 'decoded', schemaId: decoded.schemaId, value: decoded.value };
  } catch (error) {
    const errorClass = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    const undecodable = error instanceof UndecodableMessageError || error instanceof UnknownSchemaError;
    return { kind: undecodable ? 'undecodable' : 'registry-error', errorClass, message };
  }
}
