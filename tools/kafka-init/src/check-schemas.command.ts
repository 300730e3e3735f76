import { UnknownSchemaError, type SchemaRegistryClient } from '@opal/platform-schema-registry';
import type { SubjectSchema } from './event-schemas';

export interface SchemaCheckRow {
  subject: string;
  result: 'compatible' | 'new subject' | 'INCOMPATIBLE';
  details: string;
}

/**
 * The schema-evolution gate: each working-tree schema against the latest version registered
 * under its subject, under the subject's compatibility level (BACKWARD). Nothing is registered.
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
      rows.push({ subject, result: 'new subject', details: 'nothing registered yet: kafka:init will register it' });
      continue;
    }
    const { compatible, messages } = await registry.checkCompatibility(subject, definition);
    rows.push({
      subject,
      result: compatible ? 'compatible' : 'INCOMPATIBLE',
      details: compatible ? 'BACKWARD compatible with the latest version' : messages.join('; ') || 'not BACKWARD compatible with the latest version',
    });
  }
  return rows;
}
