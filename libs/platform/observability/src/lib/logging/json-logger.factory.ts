import { hostname } from 'node:os';
import type { Params } from 'nestjs-pino';
import { pino, type Level, type Logger, type LoggerOptions } from 'pino';
import { DEFAULT_QUIET_PATHS, REDACTED_CENSOR, REDACTED_LOG_PATHS } from '../observability.constants';
import type { ObservabilityOptions } from '../observability.types';

/** pino settings shared by request and application logs: one JSON object per line. */
export function jsonLoggerOptions(options: Pick<ObservabilityOptions, 'appName' | 'logLevel'>): LoggerOptions {
  return {
    level: options.logLevel,
    base: { service: options.appName, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED_CENSOR },
  };
}

export function createJsonLogger(options: ObservabilityOptions): Logger {
  const settings = jsonLoggerOptions(options);
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** `quietPaths` entries match exactly or as a prefix followed by `/`; the query string is ignored. */
export function isQuietPath(url: string | undefined, quietPaths: readonly string[]): boolean {
  const path = (url ?? '').split('?', 1)[0] ?? '';
  return quietPaths.some((quiet) => path === quiet || path.startsWith(quiet.endsWith('/') ? quiet : `${quiet}/`));
}

export function requestLogLevel(statusCode: number, error?: Error): Level {
  if (error || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

/** The request headers a request log line keeps: enough to find a delivery, none that carry credentials. */
export const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-length', 'webhook-id'] as const;

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
  remoteAddress?: string;
}

/**
 * What a request log line says about its request: of the headers only an allowlist, which cannot
 * leak a credential header added later (serializing and redacting all of them once cost the
 * gateway about a twentieth of its CPU).
 */
export function requestSummary(req: SerializedRequest): Record<string, unknown> {
  const headers: Record<string, string | string[]> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = req.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  return { method: req.method, url: req.url, remoteAddress: req.remoteAddress, headers };
}

/** Paths whose requests are not logged: probes, scrapes, the extra metrics paths and the app's own. */
export function requestLogQuietPaths(options: ObservabilityOptions, extraQuietPaths: readonly string[] = []): string[] {
  return [...DEFAULT_QUIET_PATHS, ...extraQuietPaths, ...(options.quietPaths ?? [])];
}

/**
 * `nestjs-pino` params for `ObservabilityModule`: its `PinoLogger` and Nest `Logger` write through
 * `root`, and its request middleware is left off (`FastifyRequestLogging` logs requests).
 */
export function loggerModuleParams(root: Logger): Params {
  return { pinoHttp: { logger: root }, useExisting: true, forRoutes: [] };
}
