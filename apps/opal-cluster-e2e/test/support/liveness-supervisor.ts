import type { RunningApp } from '@opal/platform-runtime/testing';

export interface Restart {
  app: string;
  at: string;
  /** What /health/live said when it failed. */
  reason: string;
}

/**
 * Does for the test what the kubelet does for the Deployment's liveness probe (k8s/base:
 * period 10 s, failureThreshold 3, here faster): an app whose `/health/live` keeps answering 503 is
 * stopped and started again. A worker's liveness fails when its consumer holds partitions with lag
 * and commits nothing (`CONSUMER_STALL_TIMEOUT_MS`), so this is how a stalled consumer recovers in
 * production too; every restart is kept for the report.
 */
export class LivenessSupervisor {
  readonly restarts: Restart[] = [];
  /** The output of each process a restart replaced, oldest first, per app. */
  readonly replacedOutputs = new Map<string, string[]>();
  private readonly apps = new Map<
    string,
    { app: RunningApp; start: () => Promise<RunningApp>; failures: number; restarting: boolean }
  >();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly periodMs = 2_000,
    private readonly failureThreshold = 3,
    private readonly onRestart: (restart: Restart) => void = () => undefined,
  ) {}

  async add(name: string, start: () => Promise<RunningApp>): Promise<void> {
    this.apps.set(name, { app: await start(), start, failures: 0, restarting: false });
  }

  /** The app as it runs now (a restart replaces it). */
  app(name: string): RunningApp {
    const entry = this.apps.get(name);
    if (!entry) throw new Error(`no app ${name}`);
    return entry.app;
  }

  /** Every app as it runs now. */
  running(): Array<[string, RunningApp]> {
    return [...this.apps].map(([name, entry]) => [name, entry.app]);
  }

  start(): void {
    this.timer = setInterval(() => void this.probeAll(), this.periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.apps.values()].map((entry) => entry.app.stop()));
  }

  private async probeAll(): Promise<void> {
    for (const [name, entry] of this.apps) {
      if (entry.restarting) continue;
      const response = await fetch(`${entry.app.baseUrl}/health/live`, { signal: AbortSignal.timeout(5_000) }).catch(
        () => undefined,
      );
      if (!response || response.status === 200) {
        entry.failures = 0;
        continue;
      }
      const reason = await response.text().catch(() => '');
      entry.failures += 1;
      if (entry.failures < this.failureThreshold) continue;
      entry.restarting = true;
      const restart = { app: name, at: new Date().toISOString(), reason };
      this.restarts.push(restart);
      this.onRestart(restart);
      await entry.app.stop();
      this.replacedOutputs.set(name, [...(this.replacedOutputs.get(name) ?? []), entry.app.output()]);
      entry.app = await entry.start();
      entry.failures = 0;
      entry.restarting = false;
    }
  }
}
