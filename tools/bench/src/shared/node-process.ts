import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ServedProcess {
  baseUrl: string;
  /** CPU seconds (user + system) the process has used so far; undefined where /proc is not available. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

let clockTicksPerSecond: number | undefined;

/**
 * Reads a process's CPU time from /proc/<pid>/stat (utime and stime, fields 14 and 15), so the
 * bench can compare processes that have no /metrics, like the bare endpoint.
 */
export function processCpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
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
    if (ready) return { baseUrl, stop, cpuSeconds: () => processCpuSecondsOf(child.pid) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${name} was not ready on ${baseUrl}${readyPath} within ${timeoutMs} ms:\n${output}`);
}
