import type { DestinationStream } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options of `ObservabilityModule.forRoot`; injectable under `OBSERVABILITY_OPTIONS`. */
export interface ObservabilityOptions {
  /** Becomes the `service` field of every log line. */
  appName: string;
  logLevel: LogLevel;
  /**
   * Paths whose requests are not logged (an exact path or everything below it), on top of
   * `/health`, `/metrics` and the extra metrics paths. The correlation id is still echoed.
   */
  quietPaths?: string[];
  /** Where log lines go; stdout by default. Tests pass a stream they read back. */
  destination?: DestinationStream;
  /**
   * Whether each request runs in an `AsyncLocalStorage` context, so that every application line
   * written while it is handled carries its correlation id without being told. Default `true`.
   * On Node 20 that context makes every promise of the process pay async hooks: 12% of the
   * gateway's CPU per request in a profile. An app on a hot path turns it off and names the
   * request in its own lines with `correlationLogFields` (the request line always carries it).
   */
  requestContext?: boolean;
}

/** Options that shape the module itself, so they are also accepted by `forRootAsync`. */
export interface ObservabilityExtras {
  /** Makes `OpalMetrics` injectable everywhere without importing the module again. Default `true`. */
  isGlobal: boolean;
  /** More paths answering the same text as `GET /metrics`, e.g. the seed's `/api/metrics`. */
  extraMetricsPaths: string[];
}
