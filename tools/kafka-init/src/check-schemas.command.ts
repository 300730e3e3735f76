import type { Schema } from 'avsc';
import { UnknownSchemaError, type SchemaRegistryClient } from '@opal/platform-schema-registry';
import { checkBackwardCompatibility } from './backward-compatibility';
import type { SubjectSchema, SubjectSchemaFile } from './event-schemas';
import type { SchemasBase } from './git-base';

export interface SchemaCheckRow {
  subject: string;
  /** What the schema was compared with: `registry`, or the git base (`git HEAD~1 (1a2b3c4)`). */
  against: string;
  result: 'compatible' | 'new subject' | 'not compared' | 'INCOMPATIBLE';
  details: string;
}

const REGISTRY = 'registry';

/**
 * The schema-evolution gate, first half: each working-tree schema against the latest version
 * registered under its subject, under the subject's compatibility level (BACKWARD). Nothing is
 * registered.
 */
export async function runSchemaCheck(registry: SchemaRegistryClient, subjects: readonly SubjectSchema[]): Promise<SchemaCheckRow[]> {
  const rows: SchemaCheckRow[] = [];
  for (const { subject, definition } of subjects) {
    const registered = await registry.getLatestSchemaId(subject).then(
      () => true,
      (error: unknown) => {
        if (error instanceof UnknownSchemaError) return false;
        throw error;
      },
    );
    if (!registered) {
      rows.push({ subject, against: REGISTRY, result: 'new subject', details: 'nothing registered yet: kafka:init will register it' });
      continue;
    }
    const { compatible, messages } = await registry.checkCompatibility(subject, definition);
    rows.push({
      subject,
      against: REGISTRY,
      result: compatible ? 'compatible' : 'INCOMPATIBLE',
      details: compatible ? 'BACKWARD compatible with the latest version' : messages.join('; ') || 'not BACKWARD compatible with the latest version',
    });
  }
  return rows;
}

/**
 * The second half, for a registry that has not seen the previous version (a fresh CI stack):
 * each working-tree schema against its own file at the git base, by Avro's resolution rules.
 */
export async function runBaseCheck(base: SchemasBase, files: readonly SubjectSchemaFile[]): Promise<SchemaCheckRow[]> {
  const rows: SchemaCheckRow[] = [];
  for (const { subject, path, definition } of files) {
    const against = base.label;
    if (!base.available) {
      rows.push({ subject, against, result: 'not compared', details: base.reason });
      continue;
    }
    const old = await base.read(path);
    if (old === undefined) {
      rows.push({ subject, against, result: 'new subject', details: `${path} is not in ${against}: nothing to compare with` });
      continue;
    }
    const verdict = compare(path, against, JSON.parse(definition.schema) as Schema, old);
    rows.push(
      verdict.compatible
        ? { subject, against, result: 'compatible', details: 'BACKWARD compatible with the base version' }
        : { subject, against, result: 'INCOMPATIBLE', details: verdict.reason },
    );
  }
  return rows;
}

function compare(path: string, against: string, schema: Schema, oldText: string) {
  try {
    return checkBackwardCompatibility(schema, JSON.parse(oldText) as Schema);
  } catch (error) {
    throw new Error(`${path} (working tree or ${against}): ${error instanceof Error ? error.message : String(error)}`);
  }
}
