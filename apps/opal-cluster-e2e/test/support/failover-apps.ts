import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import type { ServiceName } from '@opal/contracts';
import { freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import type { RedisLogins } from './redis-acl-users';

/** The apps a Redis failover test runs: the gateway and both workers. */
export interface FailoverApps {
  gateway: RunningApp;
  diagnostics: RunningApp;
  recommendations: RunningApp;
}

const PROJECTS: Record<keyof FailoverApps, ServiceName> = {
  gateway: 'ingest-gateway',
  diagnostics: 'diagnostics-worker',
  recommendations: 'recommendations-worker',
};

/**
 * Starts the three apps with `env` (how they reach Kafka and Redis), each logging in to Redis as its
 * own user of `logins`; the gateway verifies with `secret` and does not rate-limit.
 */
export async function startFailoverApps(env: Record<string, string>, secret: string, logins: RedisLogins): Promise<FailoverApps> {
  const start = async (project: ServiceName, extra: Record<string, string> = {}) =>
    startNxApp(project, { ...env, ...logins[project], NODE_ENV: 'staging', PORT: String(await freePort()), ...extra });
  const [gateway, diagnostics, recommendations] = await Promise.all([
    start(PROJECTS.gateway, { WEBHOOK_SECRETS: secret, RATE_LIMIT_PER_SECOND: '100000' }),
    start(PROJECTS.diagnostics),
    start(PROJECTS.recommendations),
  ]);
  return { gateway, diagnostics, recommendations };
}

/** The report folder of a failover test under `.reports/`. */
export const failoverReportDir = (name: string) => path.join(workspaceRoot, '.reports', name);

/** Stops whichever apps started and keeps each one's output as `<project>.log` in `reportDir`. */
export async function stopFailoverApps(apps: Partial<FailoverApps> | undefined, reportDir: string): Promise<void> {
  mkdirSync(reportDir, { recursive: true });
  const started = Object.entries(apps ?? {}) as Array<[keyof FailoverApps, RunningApp]>;
  await Promise.all(started.map(([, app]) => app.stop()));
  for (const [name, app] of started) writeFileSync(path.join(reportDir, `${PROJECTS[name]}.log`), app.output());
}

/** Writes `report` as `failover.json` in `reportDir` and prints it. */
export function writeFailoverReport(reportDir: string, report: Record<string, unknown>): void {
  mkdirSync(reportDir, { recursive: true });
  const file = path.join(reportDir, 'failover.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`failover report (${path.relative(workspaceRoot, file)}):\n${JSON.stringify(report, null, 2)}`);
}

/** Progress on stderr as it happens: Jest would hold console output back until the file ends. */
export const progressOf = (label: string) => (line: string) =>
  process.stderr.write(`[${label} ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
