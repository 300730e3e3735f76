import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const STEPS = pathToFileURL(path.join(__dirname, 'steps.mjs')).href;

interface Run {
  stdout: string;
  results: boolean[];
}

/**
 * Runs `steps` (the body of an async function with `step` in scope) in a real Node process, since
 * steps.mjs is ESM that Jest's module system cannot load, and returns what the runner printed.
 */
function runSteps(logDir: string, steps: string, { verbose = false } = {}): Run {
  const script = [
    `import { createStepRunner } from ${JSON.stringify(STEPS)};`,
    `const step = createStepRunner({ logDir: ${JSON.stringify(logDir)}, verbose: ${verbose}, cwd: ${JSON.stringify(logDir)} });`,
    'const results = [];',
    steps,
    'console.log(`RESULTS ${JSON.stringify(results)}`);',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the step script failed (${child.status}):\n${child.stdout}\n${child.stderr}`);
  const [stdout, results] = child.stdout.split('RESULTS ');
  return { stdout, results: JSON.parse(results) as boolean[] };
}

const node = (code: string) => `[process.execPath, ['-e', ${JSON.stringify(code)}]]`;

describe('createStepRunner (npm run up)', () => {
  let logDir: string;

  beforeEach(() => {
    logDir = mkdtempSync(path.join(tmpdir(), 'up-steps-'));
  });

  afterEach(() => {
    rmSync(logDir, { recursive: true, force: true });
  });

  it('should print one line with the time for a step that succeeds and keep its output in the log file only', () => {
    const { stdout, results } = runSteps(
      logDir,
      `results.push(await step('build', 'Building things', async ({ exec }) => { await exec(...${node("console.log('webpack module listing'); console.error('a warning')")}); }));`,
    );

    expect(results).toEqual([true]);
    expect(stdout.trim()).toMatch(/^✓ Building things\s+\(\d+\.\ds\)$/);
    expect(readFileSync(path.join(logDir, 'up-build.log'), 'utf8')).toMatch(/webpack module listing\na warning\n$/);
  });

  it('should show the detail a step resolves after its time', () => {
    const { stdout } = runSteps(logDir, `results.push(await step('sample', 'Sample flow', async () => '15 passed, 0 failed'));`);

    expect(stdout.trim()).toMatch(/^✓ Sample flow\s+\(\d+\.\ds\) {2}15 passed, 0 failed$/);
  });

  it('should print the output of a failing step, the failure and the log path, and resolve false', () => {
    const { stdout, results } = runSteps(
      logDir,
      `results.push(await step('kafka-init', 'Topics and schemas', async ({ exec, log }) => { log('connecting'); await exec(...${node("console.error('broker unreachable'); process.exit(3)")}); }));`,
    );

    expect(results).toEqual([false]);
    expect(stdout).toMatch(/^✗ Topics and schemas\s+\(\d+\.\ds\)\n/);
    expect(stdout).toContain('full output: up-kafka-init.log');
    expect(stdout).toContain('  connecting\n  broker unreachable\n');
    expect(stdout).toMatch(/exited with 3\n$/);
    expect(readFileSync(path.join(logDir, 'up-kafka-init.log'), 'utf8')).toContain('broker unreachable');
  });

  it('should show only the tail of a long failing output', () => {
    const { stdout } = runSteps(
      logDir,
      `results.push(await step('build', 'Building', async ({ exec }) => { await exec(...${node("for (let i = 1; i <= 200; i++) console.log('line ' + i); process.exit(1)")}); }));`,
    );

    expect(stdout).toContain('last 80 of 200 lines');
    expect(stdout).toContain('  line 200\n');
    expect(stdout).toContain('  line 121\n');
    expect(stdout).not.toContain('  line 120\n');
  });

  it('should fail a step whose action throws, with the error message', () => {
    const { stdout, results } = runSteps(logDir, `results.push(await step('start', 'Starting the gateway', async () => { throw new Error('exited (1) before answering'); }));`);

    expect(results).toEqual([false]);
    expect(stdout).toMatch(/✗ Starting the gateway\s+\(\d+\.\ds\)\n {2}exited \(1\) before answering\n$/);
  });

  it('should stream the output as it comes in verbose mode', () => {
    const { stdout, results } = runSteps(
      logDir,
      `results.push(await step('build', 'Building things', async ({ exec }) => { await exec(...${node("console.log('webpack module listing')")}); }));`,
      { verbose: true },
    );

    expect(results).toEqual([true]);
    expect(stdout).toMatch(/==> Building things\nwebpack module listing\n✓ Building things\s+\(\d+\.\ds\)\n$/);
  });
});
