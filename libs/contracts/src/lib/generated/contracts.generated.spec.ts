import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GENERATED_FILE,
  REGENERATE_COMMAND,
  SCHEMAS_DIR,
  generateContracts,
  readSchemaSources,
} from '../../../scripts/contracts-codegen.cjs';
import { EVENT_TYPES } from '../topic-catalogue';
import { AVRO_SCHEMAS } from './contracts.generated';

const pascalCase = (eventType: string): string =>
  eventType
    .split('.')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

describe('contracts.generated', () => {
  it('should be exactly what the generator makes of src/schemas', () => {
    const expected = generateContracts(readSchemaSources());
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    if (committed !== expected) {
      throw new Error(`contracts.generated.ts is out of date with src/schemas/*.avsc: run ${REGENERATE_COMMAND}`);
    }
  });

  it('should have one schema file per event type', () => {
    expect(readSchemaSources().map((source) => source.eventType)).toEqual([...EVENT_TYPES].sort());
  });

  describe('AVRO_SCHEMAS', () => {
    it.each(EVENT_TYPES)('should hold %s.avsc unchanged', (eventType) => {
      const file = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${eventType}.avsc`), 'utf8')) as unknown;
      expect(AVRO_SCHEMAS[eventType]).toStrictEqual(file);
    });

    it.each(EVENT_TYPES)('should name the %s record after its event type in com.opal.events', (eventType) => {
      expect(AVRO_SCHEMAS[eventType]).toMatchObject({
        type: 'record',
        name: pascalCase(eventType),
        namespace: 'com.opal.events',
        doc: expect.any(String),
      });
    });
  });
});
