import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';

/** The registry of tools/local-stack, or the one `SCHEMA_REGISTRY_URL` names. */
export const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;

/** Unique per run, so reruns against a long-lived registry never meet earlier subjects. */
export const runId = `${Date.now().toString(36)}-${process.pid}`;

export const uniqueSubject = (name: string) => `it.platform-schema-registry.${name}.${runId}-value`;

/** The subject's compatibility level as the raw Confluent API reports it. */
export async function readSubjectConfig(subject: string): Promise<unknown> {
  const response = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`);
  return response.json();
}

/** A loopback port nobody listens on: the workspace's shared helper. */
export { freePort as unusedPort } from '@opal/platform-runtime/testing';
