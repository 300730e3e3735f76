import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Nothing of the workspace's environment: what a consumer knows comes from `env`. */
const isolated = (env: Record<string, string>) => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env });

/** What a consumer script is asked to do: publish straight to Kafka, send webhooks, or both. */
export interface ConsumerJob {
  publish?: Array<{ type: string; data: unknown; options?: Record<string, unknown> }>;
  webhooks?: Array<{ type: string; data: unknown; options?: Record<string, unknown> }>;
}

export interface ConsumerOutput {
  resolved: string;
  methods: string[];
  health: { status: string; details: Record<string, unknown> };
  published: Array<{ event_id: string; topic: string; partition: number; offset: string }>;
  sent: Array<{ status: number; event_id: string; topic: string; duplicate: boolean }>;
  errors: Array<{ name: string; message: string; errors?: unknown }>;
}

// The consumer's code, as a service would write it against the installed package. `sdk` is the
// module, loaded with require (index.cjs) or import (index.mjs) by the wrapper below.
const MAIN = String.raw`
async function main(sdk, resolved) {
  const fs = require('node:fs');
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const producer = sdk.getOpalEventProducer();
  const out = { resolved, methods: Object.values(sdk.PUBLISH_METHODS).filter((m) => typeof producer[m] === 'function'), published: [], sent: [], errors: [] };
  await producer.connect();
  for (const { type, data, options } of job.publish ?? []) {
    out.published.push(await producer[sdk.PUBLISH_METHODS[type]](data, options));
  }
  try {
    await producer.publishAgentCompleted({ workflow_id: 'wf-x', agent_id: 'a', offset: 1, execution_status: 'success', processing_time_ms: 1, agent_data: { recommendations: [], confidence_score: 'high' } });
  } catch (error) {
    out.errors.push({ name: error.name, message: error.message, errors: error.errors, isValidation: error instanceof sdk.EventValidationError });
  }
  out.health = await producer.healthCheck();
  for (const { type, data, options } of job.webhooks ?? []) {
    out.sent.push(await sdk.sendWebhook(type, data, options));
  }
  await producer.disconnect();
  process.stdout.write(JSON.stringify(out));
}
`;

const SCRIPTS = {
  cjs: `${MAIN}\nmain(require('@opal/events-client'), require.resolve('@opal/events-client')).catch((error) => { console.error(error); process.exit(1); });\n`,
  esm: `import { createRequire } from 'node:module';\nimport * as sdk from '@opal/events-client';\nconst require = createRequire(import.meta.url);\n${MAIN}\nmain(sdk, import.meta.resolve('@opal/events-client')).catch((error) => { console.error(error); process.exit(1); });\n`,
};

/** A throwaway npm project outside the workspace with the tarball installed from its file, as a service would. */
export class ConsumerProject {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'opal-events-client-'));

  async install(tarball: string): Promise<void> {
    writeFileSync(path.join(this.dir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
    writeFileSync(path.join(this.dir, 'consumer.cjs'), SCRIPTS.cjs);
    writeFileSync(path.join(this.dir, 'consumer.mjs'), SCRIPTS.esm);
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: this.dir, timeout: 240_000 });
  }

  /** Runs the consumer under plain Node (`cjs`: require, `esm`: import) with only `env` as configuration. */
  async run(kind: keyof typeof SCRIPTS, job: ConsumerJob, env: Record<string, string>): Promise<ConsumerOutput> {
    const jobFile = path.join(this.dir, `job-${kind}-${Date.now()}.json`);
    writeFileSync(jobFile, JSON.stringify(job));
    const { stdout } = await run(process.execPath, [`consumer.${kind === 'cjs' ? 'cjs' : 'mjs'}`, jobFile], { cwd: this.dir, env: isolated(env), timeout: 120_000 });
    return JSON.parse(stdout) as ConsumerOutput;
  }

  /** Runs `source` as an ES module of the project (top-level await allowed); resolves with what it printed. */
  async runModule(name: string, source: string, env: Record<string, string>): Promise<string> {
    writeFileSync(path.join(this.dir, name), source);
    const { stdout } = await run(process.execPath, [name], { cwd: this.dir, env: isolated(env), timeout: 120_000 });
    return stdout;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
