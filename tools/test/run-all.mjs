// `npm test`: installs what is missing, starts the local stack if it is not running, then runs
// every project's checks and tests through Nx and ends with one line: "N passed, N failed".
//
// Counting: each Jest test counts once (from tools/test/jest-summary-reporter.js); each lint or
// typecheck task counts as one check; a task that failed without reporting a failed test (a crash,
// a suite that would not load) counts as one failure, so nothing can fail silently.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, elapsed, ensureDependencies, stack, step } from '../dev/workspace.mjs';

const REPORT_DIR = path.join(ROOT, '.reports', 'jest');
const SUMMARY_FILE = path.join(ROOT, '.reports', 'summary.txt');
const JEST_TARGETS = new Set(['test', 'int-test', 'browser-test', 'cluster-test', 'secure-test', 'sentinel-test', 'redis-cluster-test']);

/** Runs Nx, streaming its output, and returns the tasks it ran and the ones that failed. */
function runNx(args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['nx', ...args, '--outputStyle=static'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const tee = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.once('exit', (code) => {
      const ran = new Set([...output.matchAll(/^> nx run (\S+:\S+)/gm)].map((match) => match[1]));
      const failedBlock = output.split(/Failed tasks:/)[1] ?? '';
      const failed = new Set([...failedBlock.matchAll(/^\s*- (\S+:\S+)\s*$/gm)].map((match) => match[1]));
      resolve({ code: code ?? 1, ran, failed });
    });
  });
}

function readJestReports() {
  if (!existsSync(REPORT_DIR)) return [];
  return readdirSync(REPORT_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(REPORT_DIR, file), 'utf8')));
}

const rows = [];
const record = (name, passed, failed, note = '') => rows.push({ name, passed, failed, note });

function recordNxRun({ code, ran, failed }, label) {
  const checks = [...ran].filter((task) => !JEST_TARGETS.has(task.split(':')[1]));
  for (const task of checks) record(task, failed.has(task) ? 0 : 1, failed.has(task) ? 1 : 0);
  if (code !== 0 && ran.size === 0) record(label, 0, 1, 'nx failed before running any task');
  return [...ran].filter((task) => JEST_TARGETS.has(task.split(':')[1]) && failed.has(task));
}

function finish() {
  const crashed = new Set(pendingJestFailures);
  for (const report of readJestReports()) {
    const task = [...crashed].find((name) => name.startsWith(`${report.project}:`) && name.endsWith(`:${report.kind}`));
    if (task && report.failed > 0) crashed.delete(task);
    record(`${report.project}:${report.kind}`, report.passed, report.failed, report.failedTests.join('\n      '));
  }
  for (const task of crashed) record(task, 0, 1, 'task failed without a failing test (see its output above)');

  const passed = rows.reduce((sum, row) => sum + row.passed, 0);
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  console.log(`\n==> Summary [${elapsed()}]`);
  for (const row of rows.sort((a, b) => a.name.localeCompare(b.name))) {
    console.log(`  ${row.failed ? 'FAIL' : 'ok  '}  ${row.name.padEnd(40)} ${String(row.passed).padStart(4)} passed ${String(row.failed).padStart(3)} failed`);
    if (row.failed && row.note) console.log(`      ${row.note}`);
  }
  const line = `${passed} passed, ${failed} failed`;
  mkdirSync(path.dirname(SUMMARY_FILE), { recursive: true });
  writeFileSync(SUMMARY_FILE, `${line}\n`);
  console.log(line);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

const pendingJestFailures = [];

/** Installs a Debian package when its command is missing; the tests that need it fail with the reason otherwise. */
function ensureDebianPackage(command, pkg, neededFor) {
  if (spawnSync(command, ['--version']).status === 0) return;
  step(`Installing ${command} (apt-get install ${pkg})`);
  const apt = `apt-get install -y -qq --no-install-recommends ${pkg}`;
  const install = spawnSync('bash', ['-c', `${apt} || (apt-get update -qq && ${apt})`], { stdio: 'inherit' });
  if (install.status !== 0) console.error(`could not install ${command}: ${neededFor} will fail; install Debian's ${pkg} package`);
}

ensureDependencies();
ensureDebianPackage('promtool', 'prometheus', 'the /metrics format test');
// playwright-core downloads no browser: the console's browser tests drive Debian's Chromium.
ensureDebianPackage('chromium', 'chromium', "the ops console's browser tests");
rmSync(path.join(ROOT, '.reports'), { recursive: true, force: true });

step('Local stack: Kafka, Schema Registry, Redis (reused when already running)');
if ((await stack('up')) !== 0) {
  record('local-stack:up', 0, 1, 'the stack did not start; see tools/local-stack/stack.sh logs <service>');
  finish();
}

step('Static checks: lint and typecheck for every project');
recordNxRun(await runNx(['run-many', '-t', 'lint', 'typecheck', '--parallel=2']), 'static checks');

step('Unit tests (every project)');
pendingJestFailures.push(...recordNxRun(await runNx(['run-many', '-t', 'test', '--parallel=2', '--skip-nx-cache']), 'unit tests'));

step('Schema-evolution gate: working-tree .avsc against the registered versions and the git base (schemas:check)');
recordNxRun(await runNx(['run', 'kafka-init:check-schemas']), 'schemas:check');

// The integration tier runs on an initialised stack, as `npm run up` leaves it: the apps subscribe
// to the event topics at start-up, whichever project's tests happen to run first.
step('Topics and schemas for the integration tier (kafka-init; idempotent)');
recordNxRun(await runNx(['run', 'kafka-init:init']), 'kafka-init');

step('Integration tests against the real stack');
pendingJestFailures.push(...recordNxRun(await runNx(['run-many', '-t', 'int-test', '--parallel=1', '--skip-nx-cache']), 'integration tests'));

step('Browser tests: every page of the ops console in headless Chromium, against the real stack and apps');
pendingJestFailures.push(...recordNxRun(await runNx(['run', 'ops-console:browser-test', '--skip-nx-cache']), 'browser tests'));

// Its own tier: it starts the three-broker cluster beside the development stack, kills and
// restarts brokers under load for a few minutes, and the cluster is stopped afterwards to give
// the machine its memory back.
step('Cluster tests: three KRaft brokers, RF 3 / min ISR 2, brokers killed and restarted under load');
pendingJestFailures.push(...recordNxRun(await runNx(['run', 'opal-cluster-e2e:cluster-test', '--skip-nx-cache']), 'cluster tests'));
await stack('down', 'cluster');

// Its own tier too: the same three-broker shape behind SASL_SSL with ACLs, and a TLS Redis with ACL
// users; stopped afterwards like the cluster.
step('Secured-stack tests: SASL_SSL brokers, ACLs per app, a TLS Redis with ACL users');
pendingJestFailures.push(...recordNxRun(await runNx(['run', 'opal-cluster-e2e:secure-test', '--skip-nx-cache']), 'secured-stack tests'));
await stack('down', 'secure');

// Redis behind Sentinel: a primary, a replica and three Sentinels beside the development stack; the
// primary is SIGKILLed under load, and the five processes are stopped afterwards.
step('Sentinel tests: Redis behind Sentinel, the primary SIGKILLed under load');
pendingJestFailures.push(...recordNxRun(await runNx(['run', 'opal-cluster-e2e:sentinel-test', '--skip-nx-cache']), 'sentinel tests'));
await stack('down', 'sentinel');

// Redis as a Cluster: three primaries with a replica each beside the development stack; the whole
// flow runs on it, then a primary is SIGKILLed under load, and the six nodes are stopped afterwards.
step('Redis Cluster tests: the flow on three primaries, a primary SIGKILLed under load');
pendingJestFailures.push(...recordNxRun(await runNx(['run', 'opal-cluster-e2e:redis-cluster-test', '--skip-nx-cache']), 'redis-cluster tests'));
await stack('down', 'redis-cluster');

finish();
