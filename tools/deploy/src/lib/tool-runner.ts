import { spawnSync } from 'node:child_process';
import { ROOT } from './deploy-paths';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  cwd?: string;
  /** The whole environment of the tool (default: this process's). */
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** Runs a validator to completion. A tool that cannot start at all throws: that is a broken setup, not a failed check. */
export function runTool(
  command: string,
  args: readonly string[],
  { cwd = ROOT, env = process.env, input }: ToolOptions = {},
): ToolResult {
  const result = spawnSync(command, args, { cwd, env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw new Error(
      `${command} could not run (${result.error.message}); install it with tools/deploy/scripts/install-validators.sh`,
    );
  }
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** This process's environment without `names`, for checks that a missing variable is caught. */
export function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}
