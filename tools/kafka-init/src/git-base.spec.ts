import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openGitBase } from './git-base';

// Real git on a throwaway repository: the behaviour under test is git's answers.
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=spec', '-c', 'user.email=spec@example.invalid', ...args], {
    cwd,
    stdio: 'pipe',
  }).toString();

describe(openGitBase.name, () => {
  let repo: string;
  const file = 'schemas/a.avsc';

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'git-base-spec-'));
    mkdirSync(path.join(repo, 'schemas'));
    writeFileSync(path.join(repo, file), 'v1');
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'v1');
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('should read a file as it was at the base commit, and nothing for a file the base did not have', async () => {
    writeFileSync(path.join(repo, file), 'v2');
    writeFileSync(path.join(repo, 'schemas/b.avsc'), 'new');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'v2');

    const base = await openGitBase(repo, { ref: 'HEAD~1', explicit: false });

    expect(base).toMatchObject({ available: true, label: expect.stringMatching(/^git HEAD~1 \([0-9a-f]{7}\)$/) });
    if (!base.available) throw new Error('expected a base');
    expect(await base.read(file)).toBe('v1');
    expect(await base.read('schemas/b.avsc')).toBeUndefined();
  });

  it('should resolve paths from the given root when it is below the git top level', async () => {
    const base = await openGitBase(path.join(repo, 'schemas'), { ref: 'HEAD', explicit: true });

    if (!base.available) throw new Error('expected a base');
    expect(await base.read('a.avsc')).toBe('v1');
  });

  it('should be unavailable, saying why, when the default ref does not exist', async () => {
    expect(await openGitBase(repo, { ref: 'HEAD~1', explicit: false })).toEqual({
      available: false,
      label: 'git HEAD~1',
      reason: expect.stringMatching(/^no commit HEAD~1 in this checkout .*SCHEMAS_BASE_REF/),
    });
  });

  it('should say a shallow clone when that is why the default ref is missing', async () => {
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    const clone = `${repo}-shallow`;
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, clone], { stdio: 'pipe' });
    try {
      expect(await openGitBase(clone, { ref: 'HEAD~1', explicit: false })).toMatchObject({
        available: false,
        reason: expect.stringContaining('a shallow clone'),
      });
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('should throw one line when a ref named explicitly does not exist', async () => {
    await expect(openGitBase(repo, { ref: 'origin/nope', explicit: true })).rejects.toThrow(
      'SCHEMAS_BASE_REF="origin/nope" is not a commit of this checkout',
    );
  });

  it('should refuse an option smuggled in as a ref', async () => {
    await expect(openGitBase(repo, { ref: '--output=/tmp/x', explicit: true })).rejects.toThrow(
      'is not a commit of this checkout',
    );
  });

  it('should be unavailable outside a git checkout unless a ref was named', async () => {
    rmSync(path.join(repo, '.git'), { recursive: true, force: true });
    const previous = process.env['GIT_CEILING_DIRECTORIES'];
    process.env['GIT_CEILING_DIRECTORIES'] = path.dirname(repo);
    try {
      expect(await openGitBase(repo, { ref: 'HEAD~1', explicit: false })).toMatchObject({
        available: false,
        reason: expect.stringContaining('is not a git checkout'),
      });
      await expect(openGitBase(repo, { ref: 'main', explicit: true })).rejects.toThrow(
        /^SCHEMAS_BASE_REF="main" cannot be compared with: .* is not a git checkout$/,
      );
    } finally {
      if (previous === undefined) delete process.env['GIT_CEILING_DIRECTORIES'];
      else process.env['GIT_CEILING_DIRECTORIES'] = previous;
    }
  });
});
