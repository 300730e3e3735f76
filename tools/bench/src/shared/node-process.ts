import { spawn, type ChildProcess } from 'node:child_process';

export interface ServedProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * `BENCH_CPU_PROF_DIR=<dir>`: every served process runs under `node --cpu-prof` and writes its
 * profile there when it exits (Node refuses `--cpu-prof` in `NODE_OPTIONS`, so the bench adds it).
 */
function profilingArgs(): string[] {
  const dir = process.env['BENCH_CPU_PROF_DIR'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Starts a Node server process and waits until `readyPath` answers 200; its output is kept for errors. */
export async function serveNodeProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
  timeoutMs = 60_000,
): Promise<ServedProcess> {
  const child: ChildProcess = spawn(process.execPath, [...profilingArgs(), ...args], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}${readyPath}`).then((response) => response.status === 200, () => false);
    if (ready) return { baseUrl, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${name} was not ready on ${baseUrl}${readyPath} within ${timeoutMs} ms:\n${output}`);
}
