import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { runId, stackEndpoints } from './stack-endpoints';

describe('Schema Registry (Confluent API, @kafkajs/confluent-schema-registry)', () => {
  const registry = new SchemaRegistry({ host: stackEndpoints.schemaRegistryUrl });
  const subject = `smoke.registry.${runId}-value`;
  const schema = {
    type: 'record',
    name: 'SmokeEvent',
    namespace: 'com.opal.smoke',
    fields: [
      { name: 'event_id', type: 'string' },
      { name: 'count', type: 'int' },
    ],
  };
  let schemaId: number;

  beforeAll(async () => {
    ({ id: schemaId } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject }));
  });

  it('should register the schema and report it as the subject\'s latest version', async () => {
    expect(schemaId).toBeGreaterThan(0);
    expect(await registry.getLatestSchemaId(subject)).toBe(schemaId);
  });

  it('should answer the raw Confluent REST API with the same id', async () => {
    const response = await fetch(`${stackEndpoints.schemaRegistryUrl}/subjects/${subject}/versions/latest`);
    const body = (await response.json()) as { id: number; version: number; subject: string };

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ id: schemaId, version: 1, subject });
  });

  it('should encode in the Confluent wire format and decode back', async () => {
    const encoded = await registry.encode(schemaId, { event_id: 'e-1', count: 42 });

    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(schemaId);
    expect(await registry.decode(encoded)).toEqual({ event_id: 'e-1', count: 42 });
  });

  it('should refuse to encode a payload that does not match the schema', async () => {
    await expect(registry.encode(schemaId, { event_id: 'e-2', count: 'many' })).rejects.toThrow();
  });
});
