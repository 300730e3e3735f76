// Plumbing shared by `npm run up`, `npm run down` and `npm test`. Node built-ins only: it must run
// before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STACK_DIR = process.env.OPAL_STACK_DIR ?? path.join(ROOT, '.stack');
/** The operations console (ARCHITECTURE.md §6): reads the backbone, so it starts after the apps. */
export const CONSOLE = { name: 'ops-console', port: Number(process.env.OPS_CONSOLE_PORT ?? 8080) };
export const APPS = [
  { name: 'ingest-gateway', port: Number(process.env.INGEST_GATEWAY_PORT ?? 3000) },
  { name: 'diagnostics-worker', port: Number(process.env.DIAGNOSTICS_WORKER_PORT ?? 3001) },
  { name: 'recommendations-worker', port: Number(process.env.RECOMMENDATIONS_WORKER_PORT ?? 3002) },
  CONSOLE,
];

const started = Date.now();
export const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
export const step = (message) => console.log(`\n==> ${message} [${elapsed()}]`);

/** Runs a command with inherited stdio; resolves with its exit code (never rejects). */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.once('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** True when node_modules is missing or older than the lockfile. */
export function dependenciesOutdated() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  return !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
}

export const NPM_CI = ['npm', ['ci', '--no-audit', '--no-fund']];

/** `npm ci` (streaming its output) when the dependencies are outdated; otherwise nothing. */
export function ensureDependencies() {
  if (!dependenciesOutdated()) return;
  step('Installing npm dependencies (npm ci)');
  const result = spawnSync(NPM_CI[0], NPM_CI[1], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm ci failed: see the output above');
    process.exit(result.status ?? 1);
  }
}

export const STACK_SH = path.join(ROOT, 'tools/local-stack/stack.sh');
export const stack = (...args) => run('bash', [STACK_SH, ...args]);
export const NX_ENV = { NX_DAEMON: 'false', NX_TUI: 'false' };

export async function isLive(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The webhook secret of this machine's development setup: $WEBHOOK_SECRETS when set, otherwise a
 * random `whsec_` secret generated once into .stack/ (git-ignored), never a value in the repo.
 */
export function devWebhookSecrets() {
  if (process.env.WEBHOOK_SECRETS) return process.env.WEBHOOK_SECRETS;
  const file = path.join(STACK_DIR, 'dev-webhook-secret');
  if (!existsSync(file)) {
    mkdirSync(STACK_DIR, { recursive: true });
    writeFileSync(file, `whsec_${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
