import { spawn, type ChildProcess } from 'node:child_process';
import { workspaceRoot } from '@nx/devkit';

export interface RunningApp {
  baseUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Signals the whole process group, waits until every process in it has exited, resolves with the leader's code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

const groupAlive = (group: number) => signalGroup(group, 0);

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Spawns `command` in its own process group with the workspace as cwd, capturing its output. */
export function spawnInWorkspace(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: workspaceRoot,
    // Jest sets NODE_ENV=test; the apps only accept deployment environments.
    env: { ...process.env, NODE_ENV: 'development', NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: () => exitOf(child) };
}

/**
 * Starts `<project>:start` through Nx (as a developer would) and waits until `readyPath` answers
 * 200. Fails with the process output if it exits or does not become ready in time.
 */
export function startNxApp(
  project: string,
  env: Record<string, string> & { PORT: string },
  options: ReadyOptions = {},
): Promise<RunningApp> {
  return untilReady(
    project,
    spawnInWorkspace('npx', ['nx', 'run', `${project}:start`, '--outputStyle=stream'], env),
    env.PORT,
    options,
  );
}

/**
 * Starts the built app (`dist/apps/<project>/main.js`, from a target that depends on its build)
 * without Nx, which runs one `<project>:start` at a time: for several copies of one app at once.
 */
export function startBuiltApp(
  project: string,
  env: Record<string, string> & { PORT: string },
  options: ReadyOptions = {},
): Promise<RunningApp> {
  return untilReady(project, spawnInWorkspace('node', [`dist/apps/${project}/main.js`], env), env.PORT, options);
}

interface ReadyOptions {
  readyPath?: string;
  timeoutMs?: number;
}

async function untilReady(
  project: string,
  { child, output, exited }: ReturnType<typeof spawnInWorkspace>,
  port: string,
  { readyPath = '/health/live', timeoutMs = 90_000 }: ReadyOptions,
): Promise<RunningApp> {
  const baseUrl = `http://127.0.0.1:${port}`;
  let exitCode: number | null | undefined;
  void exited().then((code) => (exitCode = code));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const group = child.pid;
    if (!group) return exited();
    signalGroup(group, signal);
    const code = await exited();
    // npx and nx exit before the app they started; "stopped" means every process in the group is gone.
    const deadline = Date.now() + 20_000;
    while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (groupAlive(group)) signalGroup(group, 'SIGKILL');
    return code;
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${project} exited with ${exitCode} before it was ready:\n${output()}`);
    const ready = await fetch(`${baseUrl}${readyPath}`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return { baseUrl, output, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop('SIGKILL');
  throw new Error(`${project} was not ready on ${baseUrl}${readyPath} within ${timeoutMs} ms:\n${output()}`);
}
