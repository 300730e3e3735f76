import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The gate as `npm test` runs it (the built CLI, cwd at a checkout's root), but in a throwaway
// checkout of the contract schemas, so each test can commit a schema change of its own.
const workspaceRoot = path.resolve(__dirname, '../../..');
const cli = path.join(workspaceRoot, 'dist/tools/kafka-init/main.js');
const SCHEMAS_DIR = 'libs/contracts/src/schemas';
const SUBJECT = 'opal.workflow.started-value';
const SCHEMA_FILE = path.join(SCHEMAS_DIR, 'workflow.started.avsc');
const GATE_TIMEOUT_MS = 60_000;

function git(cwd: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=gate-test', '-c', 'user.email=gate-test@example.invalid', ...args], {
    cwd,
    stdio: 'pipe',
  });
}

function runGate(cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  // CI may name its merge base; these tests choose their own.
  delete inherited['SCHEMAS_BASE_REF'];
  const child = spawn('node', [cli, 'check-schemas'], {
    cwd,
    env: { ...inherited, NODE_ENV: 'development', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), GATE_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** The table rows `subject  against  result  details` of one subject, as cells. */
const rowsOf = (output: string, subject: string) =>
  output
    .split('\n')
    .map((line) => line.split(/\s{2,}/))
    .filter(([name]) => name === subject);

const gitRowOf = (output: string, subject: string) =>
  rowsOf(output, subject).find(([, against]) => against?.startsWith('git '));

function editSchema(checkout: string, addField: object) {
  const file = path.join(checkout, SCHEMA_FILE);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { fields: object[] };
  writeFileSync(file, `${JSON.stringify({ ...schema, fields: [...schema.fields, addField] }, null, 2)}\n`);
}

describe('kafka-init check-schemas against the git base (built CLI, throwaway checkout, real registry)', () => {
  let checkout: string;

  beforeEach(() => {
    checkout = mkdtempSync(path.join(tmpdir(), 'schemas-gate-'));
    cpSync(path.join(workspaceRoot, SCHEMAS_DIR), path.join(checkout, SCHEMAS_DIR), { recursive: true });
    git(checkout, 'init', '-q');
    git(checkout, 'add', '.');
    git(checkout, 'commit', '-q', '-m', 'base schemas');
  });

  afterEach(() => rmSync(checkout, { recursive: true, force: true }));

  it('should fail a commit that adds a required field without a default, naming the subject and the field', async () => {
    editSchema(checkout, { name: 'owner', type: 'string' });
    git(checkout, 'commit', '-q', '-am', 'add a required field');

    const result = await runGate(checkout);

    expect(result.code).toBe(1);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      expect.stringMatching(/^git HEAD~1 \([0-9a-f]+\)$/),
      'INCOMPATIBLE',
      expect.stringContaining('owner'),
    ]);
    expect(result.output).toMatch(
      new RegExp(`schemas:check: ${SUBJECT} is not BACKWARD compatible with git HEAD~1 .*owner`),
    );
  });

  it('should pass a commit that adds an optional field with a default', async () => {
    editSchema(checkout, { name: 'note', type: ['null', 'string'], default: null });
    git(checkout, 'commit', '-q', '-am', 'add an optional field');

    const result = await runGate(checkout);

    expect(result.code).toBe(0);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      expect.stringMatching(/^git HEAD~1 /),
      'compatible',
      expect.any(String),
    ]);
    expect(result.output).not.toContain('INCOMPATIBLE');
  });

  it('should compare uncommitted changes with the commit SCHEMAS_BASE_REF names', async () => {
    editSchema(checkout, { name: 'owner', type: 'string' });

    const result = await runGate(checkout, { SCHEMAS_BASE_REF: 'HEAD' });

    expect(result.code).toBe(1);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      expect.stringMatching(/^git HEAD /),
      'INCOMPATIBLE',
      expect.stringContaining('owner'),
    ]);
  });

  it('should exit 1 with one line when SCHEMAS_BASE_REF names a ref the checkout does not have', async () => {
    const result = await runGate(checkout, { SCHEMAS_BASE_REF: 'no-such-branch' });

    expect(result.code).toBe(1);
    expect(result.output).toBe('kafka-init: SCHEMAS_BASE_REF="no-such-branch" is not a commit of this checkout\n');
  });

  it('should report, and not fail, that nothing was compared when the base commit does not exist', async () => {
    const result = await runGate(checkout);

    expect(result.code).toBe(0);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      'git HEAD~1',
      'not compared',
      expect.stringContaining('no commit HEAD~1'),
    ]);
  });

  it('should report, and not fail, that nothing was compared outside a git checkout', async () => {
    rmSync(path.join(checkout, '.git'), { recursive: true, force: true });

    const result = await runGate(checkout, { GIT_CEILING_DIRECTORIES: path.dirname(checkout) });

    expect(result.code).toBe(0);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      'git HEAD~1',
      'not compared',
      expect.stringContaining('not a git checkout'),
    ]);
  });

  it('should report a subject whose schema did not exist at the base as new', async () => {
    git(checkout, 'rm', '-q', '--cached', SCHEMA_FILE);
    git(checkout, 'commit', '-q', '-m', 'drop one schema from the index');
    git(checkout, 'commit', '-q', '--allow-empty', '-m', 'later commit');

    const result = await runGate(checkout);

    expect(result.code).toBe(0);
    expect(gitRowOf(result.output, SUBJECT)).toEqual([
      SUBJECT,
      expect.stringMatching(/^git HEAD~1 /),
      'new subject',
      expect.any(String),
    ]);
  });
});
