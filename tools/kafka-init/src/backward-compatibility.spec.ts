import type { Schema } from 'avsc';
import { AVRO_SCHEMAS } from '@opal/contracts';
import { checkBackwardCompatibility } from './backward-compatibility';

const probe = (fields: object[]): Schema =>
  ({ type: 'record', name: 'GateProbe', namespace: 'com.opal.test', fields }) as Schema;
const V1 = [
  { name: 'workflow_id', type: 'string' },
  { name: 'count', type: 'int' },
];

describe(checkBackwardCompatibility.name, () => {
  it('should refuse a new required field without a default, naming the field', () => {
    const verdict = checkBackwardCompatibility(probe([...V1, { name: 'owner', type: 'string' }]), probe(V1));

    expect(verdict).toEqual({ compatible: false, reason: expect.stringContaining('owner') });
  });

  it('should accept a new optional field with a default', () => {
    const verdict = checkBackwardCompatibility(
      probe([...V1, { name: 'note', type: ['null', 'string'], default: null }]),
      probe(V1),
    );

    expect(verdict).toEqual({ compatible: true });
  });

  it('should accept a removed field, which a BACKWARD reader simply ignores', () => {
    expect(checkBackwardCompatibility(probe([V1[0] as object]), probe(V1))).toEqual({ compatible: true });
  });

  it('should refuse a field whose type changed from int to string, naming the field', () => {
    const verdict = checkBackwardCompatibility(probe([V1[0] as object, { name: 'count', type: 'string' }]), probe(V1));

    expect(verdict).toEqual({ compatible: false, reason: 'field count: cannot read "int" as "string"' });
  });

  it('should accept Avro widening from int to long', () => {
    expect(checkBackwardCompatibility(probe([V1[0] as object, { name: 'count', type: 'long' }]), probe(V1))).toEqual({
      compatible: true,
    });
  });

  it('should name the nested field when a field of a nested record changed', () => {
    const nested = (type: string) =>
      probe([{ name: 'agent', type: { type: 'record', name: 'Agent', fields: [{ name: 'score', type }] } }]);

    expect(checkBackwardCompatibility(nested('string'), nested('double'))).toEqual({
      compatible: false,
      reason: 'field agent.score: cannot read "double" as "string"',
    });
  });

  it('should refuse a removed enum symbol', () => {
    const withSymbols = (symbols: string[]) =>
      probe([{ name: 'status', type: { type: 'enum', name: 'Status', symbols } }]);

    expect(checkBackwardCompatibility(withSymbols(['ok']), withSymbols(['ok', 'failed']))).toMatchObject({
      compatible: false,
    });
  });

  it('should accept every contract schema against itself', () => {
    for (const schema of Object.values(AVRO_SCHEMAS))
      expect(checkBackwardCompatibility(schema as Schema, schema as Schema)).toEqual({ compatible: true });
  });

  it('should throw, saying which side, when a schema is not valid Avro', () => {
    expect(() => checkBackwardCompatibility(probe(V1), probe([{ name: 'count', type: 'integer' }]))).toThrow(
      /^the old schema is not a valid Avro schema/,
    );
  });
});
