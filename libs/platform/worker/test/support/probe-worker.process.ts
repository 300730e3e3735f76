import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { freePort, prometheusSample } from '@opal/platform-runtime/testing';

const ENTRY = path.join(__dirname, 'probe-worker.main.ts');
// tsconfig.spec.json extends the base config: its `paths` resolve @opal/*, and decorator metadata is on.
const TSCONFIG = path.join(__dirname, '..', '..', 'tsconfig.spec.json');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a probe worker ended, and how long after the signal the test sent. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the test's signal to the process's exit (undefined when it exited on its own). */
  afterSignalMs?: number;
}

/**
 * One probe worker as a real OS process (`node -r @swc-node/register probe-worker.main.ts`), so a
 * SIGKILL gives no chance to clean up and a SIGTERM runs the app's own shutdown. Every process
 * started is remembered, so `killAll()` in `afterAll` leaves none behind even when a test failed.
 */
export class ProbeWorkerProcess {
  private static readonly started = new Set<ProbeWorkerProcess>();
  private output = '';
  private signalledAt?: number;
  private readonly exit: Promise<WorkerExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly baseUrl: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) =>
        resolve({
          code,
          signal,
          afterSignalMs: this.signalledAt === undefined ? undefined : Date.now() - this.signalledAt,
        }),
      ),
    );
    ProbeWorkerProcess.started.add(this);
    void this.exit.then(() => ProbeWorkerProcess.started.delete(this));
  }

  /** Starts a worker with `env` over the test's environment and waits until GET /health/ready answers 200 (consumer joined). */
  static async start(name: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<ProbeWorkerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY], {
      cwd: workspaceRoot,
      // Jest sets NODE_ENV=test; the worker accepts deployment environments only.
      env: {
        ...process.env,
        NODE_ENV: 'development',
        SWC_NODE_PROJECT: TSCONFIG,
        APP_NAME: name,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new ProbeWorkerProcess(child, name, `http://127.0.0.1:${port}`);
    await worker.waitUntilReady(readyTimeoutMs);
    return worker;
  }

  /** Kills (SIGKILL) every worker still running; for `afterAll`. */
  static async killAll(): Promise<void> {
    await Promise.all([...ProbeWorkerProcess.started].map((worker) => worker.kill('SIGKILL')));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** Sends `signal` and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals): Promise<WorkerExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.signalledAt = Date.now();
      this.child.kill(signal);
    }
    return this.exit;
  }

  exited(): Promise<WorkerExit> {
    return this.exit;
  }

  /** What the process printed (stdout and stderr), for failure messages. */
  log(): string {
    return this.output;
  }

  /** One sample of the worker's Prometheus text, 0 when absent. */
  async metric(name: string, labels: Record<string, string>): Promise<number> {
    return prometheusSample(await (await fetch(`${this.baseUrl}/metrics`)).text(), name, labels);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    let exited: WorkerExit | undefined;
    void this.exit.then((exit) => (exited = exit));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited)
        throw new Error(`${this.name} exited (${JSON.stringify(exited)}) before it was ready:\n${this.output}`);
      const ready = await fetch(`${this.baseUrl}/health/ready`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return;
      await sleep(200);
    }
    await this.kill('SIGKILL');
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.output}`);
  }
}
