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
}

/** Options that shape the module itself, so they are also accepted by `forRootAsync`. */
export interface ObservabilityExtras {
  /** Makes `OpalMetrics` injectable everywhere without importing the module again. Default `true`. */
  isGlobal: boolean;
  /** More paths answering the same text as `GET /metrics`, e.g. the seed's `/api/metrics`. */
  extraMetricsPaths: string[];
}
