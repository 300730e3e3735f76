import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AVRO_SCHEMAS, TOPIC_CATALOGUE } from '@opal/contracts';
import type { SchemaDefinition } from '@opal/platform-schema-registry';

export interface SubjectSchema {
  subject: string;
  definition: SchemaDefinition;
}

/** A subject's schema read from a checkout, with the file's path relative to the checkout's root. */
export interface SubjectSchemaFile extends SubjectSchema {
  path: string;
}

/** Where the contract schemas live in a checkout, relative to its workspace root. */
export const CONTRACT_SCHEMAS_DIR = 'libs/contracts/src/schemas';

/** Every event's value subject with its Avro schema as bundled into this build (libs/contracts): what init registers. */
export const EVENT_SUBJECT_SCHEMAS: readonly SubjectSchema[] = TOPIC_CATALOGUE.map((entry) => ({
  subject: entry.subject,
  definition: { schemaType: 'AVRO', schema: JSON.stringify(AVRO_SCHEMAS[entry.eventType]) },
}));

/**
 * Every event's value subject with its `.avsc` as the checkout at `root` has it now, edits not yet
 * committed or regenerated included: the gate judges the files of a change, not the copy bundled
 * into this build.
 */
export function readWorkingTreeSchemas(root: string): SubjectSchemaFile[] {
  return TOPIC_CATALOGUE.map((entry) => {
    const file = `${CONTRACT_SCHEMAS_DIR}/${entry.eventType}.avsc`;
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      throw new Error(`${file} not found under ${root}: run check-schemas from the workspace root`);
    }
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { subject: entry.subject, path: file, definition: { schemaType: 'AVRO', schema: JSON.stringify(schema) } };
  });
}
