import type { DeploymentEnvironment } from '@opal/platform-config';
import { TOPIC_PROFILES, TopicManager, topicSpecsFor, type TopicAdmin } from '@opal/platform-kafka';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import type { SubjectSchema } from './event-schemas';

export interface InitRow {
  kind: 'topic' | 'subject';
  name: string;
  action: string;
  details: string;
}

/**
 * Topics first (with their DLQ twins, per the environment's profile), then one BACKWARD subject
 * per event. Idempotent: a second run reports only `verified` topics and `unchanged` subjects.
 */
export async function runInit(
  deps: { admin: TopicAdmin; registry: SchemaRegistryClient },
  environment: DeploymentEnvironment,
  subjects: readonly SubjectSchema[],
  topics?: readonly string[],
): Promise<InitRow[]> {
  const topicRows = await new TopicManager(deps.admin).reconcile(topicSpecsFor(TOPIC_PROFILES[environment], topics));
  const rows: InitRow[] = topicRows.map((row) => ({ kind: 'topic', name: row.topic, action: row.action, details: row.details }));
  for (const { subject, definition } of subjects) {
    const registered = await deps.registry.ensureSubject(subject, definition, 'BACKWARD');
    rows.push({
      kind: 'subject',
      name: subject,
      action: registered.created ? 'registered' : 'unchanged',
      details: `id ${registered.id}, version ${registered.version}, BACKWARD`,
    });
  }
  return rows;
}
