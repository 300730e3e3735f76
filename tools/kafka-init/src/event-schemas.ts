import { AVRO_SCHEMAS, TOPIC_CATALOGUE } from '@opal/contracts';
import type { SchemaDefinition } from '@opal/platform-schema-registry';

export interface SubjectSchema {
  subject: string;
  definition: SchemaDefinition;
}

/** Every event's value subject with the Avro schema of this working tree (libs/contracts). */
export const EVENT_SUBJECT_SCHEMAS: readonly SubjectSchema[] = TOPIC_CATALOGUE.map((entry) => ({
  subject: entry.subject,
  definition: { schemaType: 'AVRO', schema: JSON.stringify(AVRO_SCHEMAS[entry.eventType]) },
}));
