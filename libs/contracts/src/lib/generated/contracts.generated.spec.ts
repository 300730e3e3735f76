import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GENERATED_FILE,
  REGENERATE_COMMAND,
  SCHEMAS_DIR,
  generateContracts,
  readSchemaSources,
} from '../../../scripts/contracts-codegen.cjs';
import { EVENT_TYPES, type EventType } from '../topic-catalogue';
import { AVRO_SCHEMAS, PUBLISH_METHODS, TypedEventPublisher, type EventDataByType } from './contracts.generated';

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

  describe('TypedEventPublisher', () => {
    class RecordingPublisher extends TypedEventPublisher<{ note: string }, string> {
      readonly calls: unknown[] = [];

      protected async publishEvent<T extends EventType>(type: T, data: EventDataByType[T], options?: { note: string }) {
        this.calls.push([type, data, options]);
        return type;
      }
    }

    it.each(EVENT_TYPES)('should publish %s through its typed method', async (eventType) => {
      const publisher = new RecordingPublisher();
      const method = publisher[PUBLISH_METHODS[eventType]] as (data: unknown, options?: { note: string }) => Promise<string>;

      await expect(method.call(publisher, { some: 'data' }, { note: 'n' })).resolves.toBe(eventType);
      expect(publisher.calls).toEqual([[eventType, { some: 'data' }, { note: 'n' }]]);
    });
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
