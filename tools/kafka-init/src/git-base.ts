import { execFile } from 'node:child_process';

export interface SchemasBaseRef {
  /** A commit-ish: `HEAD~1` by default, or a merge base named by `SCHEMAS_BASE_REF`. */
  ref: string;
  /** Named by the operator: then a ref that cannot be found is an error, not a skipped comparison. */
  explicit: boolean;
}

/** The version of the schema files a change is judged against, or why there is none. */
export type SchemasBase =
  | { available: true; label: string; read(file: string): Promise<string | undefined> }
  | { available: false; label: string; reason: string };

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  gitMissing: boolean;
}

function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ ok: !error, stdout, stderr, gitMissing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' }),
    );
  });
}

/**
 * Resolves the base commit in the checkout at `root`. Without git history (git missing, not a
 * checkout, a shallow clone or first commit without the default ref) the base is unavailable and
 * the gate says so; a ref named explicitly must exist, so its absence throws.
 */
export async function openGitBase(root: string, { ref, explicit }: SchemasBaseRef): Promise<SchemasBase> {
  const label = `git ${ref}`;
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok) {
    const reason = inside.gitMissing ? 'git is not installed' : notACheckout(root, inside.stderr);
    if (explicit) throw new Error(`SCHEMAS_BASE_REF="${ref}" cannot be compared with: ${reason}`);
    return { available: false, label, reason: `${reason}: nothing to compare with` };
  }
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!commit.ok) {
    if (explicit) throw new Error(`SCHEMAS_BASE_REF="${ref}" is not a commit of this checkout`);
    const shallow = (await git(root, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
    const why = shallow ? 'a shallow clone' : 'no history before HEAD';
    return {
      available: false,
      label,
      reason: `no commit ${ref} in this checkout (${why}): set SCHEMAS_BASE_REF to compare`,
    };
  }
  const sha = commit.stdout.trim();
  return {
    available: true,
    label: `${label} (${sha.slice(0, 7)})`,
    // `./` keeps the path relative to the workspace root even when that is not the git top level.
    read: async (file) => {
      const spec = `${sha}:./${file}`;
      if (!(await git(root, ['cat-file', '-e', spec])).ok) return undefined;
      const shown = await git(root, ['show', spec]);
      if (!shown.ok) throw new Error(`git show ${spec} failed`);
      return shown.stdout;
    },
  };
}

// Anything else git refuses (e.g. "dubious ownership" of a CI checkout) is passed on, not hidden.
function notACheckout(root: string, stderr: string): string {
  const message = stderr.trim().split('\n')[0] ?? '';
  return /not a git repository/i.test(message) || message === ''
    ? `${root} is not a git checkout`
    : `git cannot read ${root}: ${message}`;
}
