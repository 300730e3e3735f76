// `npm run up`: one command from a fresh clone to a running system — dependencies, the local
// stack (Kafka, Schema Registry, Redis), topics and schemas, the three apps and the operations
// console built and started.
// One line per step; each step's output is in .stack/logs/up-<step>.log and on the screen only when
// it fails, or always with `npm run up -- --verbose` (or VERBOSE=1).
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createStepRunner, isVerbose } from './steps.mjs';
import { APPS, CONSOLE, NPM_CI, NX_ENV, ROOT, STACK_DIR, STACK_SH, dependenciesOutdated, devWebhookSecrets, elapsed, isLive } from './workspace.mjs';

const READY_TIMEOUT_MS = 60_000;
const LOG_DIR = path.join(STACK_DIR, 'logs');
const verbose = isVerbose();
const step = createStepRunner({ logDir: LOG_DIR, verbose, cwd: ROOT });
const nx = (exec, ...args) => exec('npx', ['nx', ...args, '--outputStyle=static'], { env: NX_ENV });

/** The apps the console shows, on the ports this script starts them on, unless $CONSOLE_APPS says otherwise. */
const consoleApps = () =>
  process.env.CONSOLE_APPS ??
  APPS.filter((app) => app !== CONSOLE)
    .map((app) => `${app.name}=http://127.0.0.1:${app.port}`)
    .join(',');

function startApp({ name, port }) {
  mkdirSync(path.join(STACK_DIR, 'run'), { recursive: true });
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
  const log = openSync(logFile, 'a');
  const child = spawn('node', [path.join(ROOT, 'dist/apps', name, 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      // The console signs no webhook: it gets the apps to show instead of the webhook secret.
      ...(name === CONSOLE.name ? { CONSOLE_APPS: consoleApps() } : { WEBHOOK_SECRETS: devWebhookSecrets() }),
    },
    detached: true,
    stdio: ['ignore', log, log],
  });
  writeFileSync(path.join(STACK_DIR, 'run', `${name}.pid`), String(child.pid));
  let exitCode;
  child.once('exit', (code, signal) => (exitCode = code ?? signal));
  child.unref();
  return { pid: child.pid, logFile, logOffset, exited: () => exitCode };
}

async function waitLive(app, { logFile, logOffset, exited }) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const failure = (reason) => {
    const tail = readFileSync(logFile).subarray(logOffset).toString('utf8').trim().split('\n').slice(-20).join('\n');
    return new Error(`${app.name} ${reason}. What it logged (${path.relative(ROOT, logFile)}):\n${tail}`);
  };
  while (Date.now() < deadline) {
    if (await isLive(app.port)) return;
    if (exited() !== undefined) throw failure(`exited (${exited()}) before answering /health/live on port ${app.port}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw failure(`did not answer /health/live on port ${app.port} within ${READY_TIMEOUT_MS / 1000}s`);
}

const required = (ok) => ok || process.exit(1);

console.log(`npm run up${verbose ? '' : `  (one line per step; output in ${path.relative(ROOT, LOG_DIR)}/up-<step>.log, all of it with: npm run up -- --verbose)`}\n`);

required(
  await step('install', 'npm dependencies', async ({ exec }) => {
    if (!dependenciesOutdated()) return 'up to date';
    await exec(...NPM_CI);
    return 'installed (npm ci)';
  }),
);
required(
  await step('stack', 'Local stack: Kafka, Schema Registry, Redis', async ({ exec }) => {
    await exec('bash', [STACK_SH, 'up']);
  }),
);
required(
  await step('build', 'Building the apps and tools', async ({ exec }) => {
    await nx(exec, 'run-many', '-t', 'build', '-p', ...APPS.map((app) => app.name), 'kafka-init', 'test-producer');
  }),
);
required(
  await step('kafka-init', 'Topics and schemas (kafka-init; idempotent)', async ({ exec }) => {
    await nx(exec, 'run', 'kafka-init:init');
  }),
);
for (const app of APPS) {
  required(
    await step(`start-${app.name}`, `Starting ${app.name}`, async ({ log }) => {
      if (await isLive(app.port)) return `already answering on port ${app.port}, left as it is`;
      const started = startApp(app);
      log(`${app.name}: pid ${started.pid}, log: ${path.relative(ROOT, started.logFile)}`);
      await waitLive(app, started);
      return `log: ${path.relative(ROOT, started.logFile)}`;
    }),
  );
}
let sampleSummary = '';
const sampleOk = await step('sample-flow', 'Sample flow: kafka:test-producer via the gateway', async ({ exec }) => {
  const { output } = await nx(exec, 'run', 'test-producer:run');
  sampleSummary = [...output.matchAll(/^\d+ passed, \d+ failed$/gm)].at(-1)?.[0] ?? '';
  return sampleSummary;
});

console.log(`\nOPAL event backbone is up [${elapsed()}]\n`);
for (const app of APPS) console.log(`  ${app.name.padEnd(24)} http://127.0.0.1:${app.port}  (/health/live)`);
console.log(`  ${'kafka'.padEnd(24)} 127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`);
console.log(`  ${'schema registry'.padEnd(24)} http://127.0.0.1:${process.env.SCHEMA_REGISTRY_PORT ?? 8081}/apis/ccompat/v7`);
console.log(`  ${'redis'.padEnd(24)} 127.0.0.1:${process.env.REDIS_PORT ?? 6379}`);
console.log(`\n  Operations console: http://127.0.0.1:${CONSOLE.port}  (topics, groups, messages, dead letters, workflows)`);
console.log(`\n${sampleOk ? `Sample flow passed${sampleSummary ? ` (${sampleSummary})` : ''}.` : 'Sample flow FAILED: see above.'}`);
console.log(`App logs: ${path.relative(ROOT, LOG_DIR)}/<app>.log. Stop everything with: npm run down`);
if (!sampleOk) process.exit(1);
