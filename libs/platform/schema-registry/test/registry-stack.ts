import { createServer } from 'node:net';
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

/** A loopback port nobody listens on (bound, then released). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
