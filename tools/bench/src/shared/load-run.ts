import autocannon, { type Result } from 'autocannon';

/** One autocannon run, reduced to what the reports compare. */
export interface LoadSummary {
  label: string;
  connections: number;
  durationSeconds: number;
  /** `null` when the run was open-loop (as fast as the server answers). */
  offeredRatePerSecond: number | null;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  responses2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export interface LoadRunOptions {
  label: string;
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
  /** Builds each request: distinct deliveries need distinct ids and signatures. */
  nextRequest: () => { headers: Record<string, string>; body: string };
}

export async function runLoad(options: LoadRunOptions): Promise<LoadSummary> {
  const result: Result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.overallRate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: options.path,
        setupRequest: (request) => ({ ...request, ...options.nextRequest() }),
      },
    ],
  });
  return {
    label: options.label,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    offeredRatePerSecond: options.overallRate ?? null,
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
  };
}

export function printLoad(summary: LoadSummary): void {
  const rate = summary.offeredRatePerSecond === null ? 'open loop' : `offered ${summary.offeredRatePerSecond}/s`;
  console.log(
    `  ${summary.label.padEnd(34)} ${String(summary.requestsPerSecond).padStart(6)} req/s  ` +
      `p50 ${summary.latencyMs.p50} ms  p99 ${summary.latencyMs.p99} ms  non-2xx ${summary.non2xx}  ` +
      `errors ${summary.errors + summary.timeouts}  (${summary.connections} connections, ${rate})`,
  );
}
