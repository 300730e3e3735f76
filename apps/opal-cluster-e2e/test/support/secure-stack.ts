import { spawnInWorkspace } from '@opal/platform-runtime/testing';
import { stackEnv } from './cluster-control';

/** The clients of the secured stack, each a SCRAM user (Kafka) and an ACL user (Redis) of its own. */
export type SecureUser = 'opal-admin' | 'ingest-gateway' | 'diagnostics-worker' | 'recommendations-worker' | 'ops-console';

/** The variables `stack.sh env secure <user>` prints for that user: brokers, TLS, the CA file, its password. */
export async function secureEnv(user: SecureUser): Promise<Record<string, string>> {
  return stackEnv(['secure', user], ['KAFKA_PASSWORD']);
}

/** `env` without `names`: a variable left out falls back to the app's default. */
export function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

export interface ToolRun {
  code: number | null;
  output: string;
}

/** Runs a built tool of the workspace (`dist/tools/<tool>/main.js`) with `env`, to its end. */
export async function runTool(
  tool: 'kafka-init' | 'dlq',
  args: string[],
  env: Record<string, string>,
): Promise<ToolRun> {
  const run = spawnInWorkspace('node', [`dist/tools/${tool}/main.js`, ...args], env);
  const code = await run.exited();
  return { code, output: run.output() };
}

/** The lines of `output` that contain `text`; a JSON log line by its `msg`, as a reader of the log sees it. */
export function linesWith(output: string, text: string): string[] {
  const messageOf = (line: string) => {
    if (!line.startsWith('{')) return line;
    try {
      return String((JSON.parse(line) as { msg?: unknown }).msg ?? '');
    } catch {
      return line;
    }
  };
  return output
    .split('\n')
    .map(messageOf)
    .filter((line) => line.includes(text));
}
