// `npm run up`: one command from a fresh clone to a running system — dependencies, the local
// stack (Kafka, Schema Registry, Redis), topics and schemas, the three apps built and started.
import { openSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { APPS, ROOT, STACK_DIR, devWebhookSecrets, elapsed, ensureDependencies, isLive, nx, stack, step } from './workspace.mjs';

const READY_TIMEOUT_MS = 60_000;

function startApp({ name, port }) {
  mkdirSync(path.join(STACK_DIR, 'logs'), { recursive: true });
  mkdirSync(path.join(STACK_DIR, 'run'), { recursive: true });
  const logFile = path.join(STACK_DIR, 'logs', `${name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn('node', [path.join(ROOT, 'dist/apps', name, 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), WEBHOOK_SECRETS: devWebhookSecrets() },
    detached: true,
    stdio: ['ignore', log, log],
  });
  writeFileSync(path.join(STACK_DIR, 'run', `${name}.pid`), String(child.pid));
  child.unref();
  return logFile;
}

async function waitLive(app, logFile) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await isLive(app.port)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
  throw new Error(`${app.name} did not answer /health/live on port ${app.port} within ${READY_TIMEOUT_MS / 1000}s. Last log lines:\n${tail}`);
}

ensureDependencies();

step('Starting the local stack');
if ((await stack('up')) !== 0) process.exit(1);

step('Building the apps and tools');
if ((await nx('run-many', '-t', 'build', '-p', ...APPS.map((app) => app.name), 'kafka-init', 'test-producer', '--outputStyle=static')) !== 0) process.exit(1);

step('Topics and schemas (kafka-init; idempotent)');
if ((await nx('run', 'kafka-init:init', '--outputStyle=static')) !== 0) process.exit(1);

step('Starting the apps');
try {
  for (const app of APPS) {
    if (await isLive(app.port)) {
      console.log(`${app.name}: already answering on port ${app.port}, left as it is`);
      continue;
    }
    const logFile = startApp(app);
    await waitLive(app, logFile);
    console.log(`${app.name}: started (log: ${path.relative(ROOT, logFile)})`);
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

console.log(`\nOPAL event backbone is up [${elapsed()}]\n`);
for (const app of APPS) console.log(`  ${app.name.padEnd(24)} http://127.0.0.1:${app.port}  (/health/live)`);
console.log(`  ${'kafka'.padEnd(24)} 127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`);
console.log(`  ${'schema registry'.padEnd(24)} http://127.0.0.1:${process.env.SCHEMA_REGISTRY_PORT ?? 8081}/apis/ccompat/v7`);
console.log(`  ${'redis'.padEnd(24)} 127.0.0.1:${process.env.REDIS_PORT ?? 6379}`);
step('Sample flow: the producer test suite through the gateway (kafka:test-producer)');
const sample = await nx('run', 'test-producer:run', '--outputStyle=static');
console.log(sample === 0 ? '\nSample flow passed.' : '\nSample flow FAILED: see above.');
console.log('Stop everything with: npm run down');
if (sample !== 0) process.exit(1);
