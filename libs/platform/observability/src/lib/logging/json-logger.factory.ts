import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { pino, type Level, type Logger, type LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import {
  CORRELATION_ID_HEADER,
  CORRELATION_ID_LOG_KEY,
  DEFAULT_QUIET_PATHS,
  REDACTED_CENSOR,
  REDACTED_LOG_PATHS,
} from '../observability.constants';
import type { ObservabilityOptions } from '../observability.types';
import { resolveCorrelationId } from './correlation-id';

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

function originalUrlOf(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
}

export function requestLogLevel(statusCode: number, error?: Error): Level {
  if (error || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

/**
 * pino-http's request id when the adapter did not set one (on Fastify, `FastifyCorrelationHook`
 * already made `req.id` the correlation id): resolves it and echoes it to the caller.
 */
export function assignCorrelationId(req: IncomingMessage, res: ServerResponse): string {
  const id = resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]);
  res.setHeader(CORRELATION_ID_HEADER, id);
  return id;
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
 * What a request log line says about its request. pino-http binds the serialized request to a
 * child logger of every request, logged or not, so serializing (and redacting) all headers cost
 * the gateway about a twentieth of its CPU; an allowlist costs next to nothing and cannot leak a
 * credential header added later.
 */
export function requestSummary(req: SerializedRequest): Record<string, unknown> {
  const headers: Record<string, string | string[]> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = req.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  return { method: req.method, url: req.url, remoteAddress: req.remoteAddress, headers };
}

/** pino-http settings: bodies are never serialized, and of the headers only `LOGGED_REQUEST_HEADERS`. */
export function requestLoggingOptions(logger: Logger, quietPaths: readonly string[]): PinoHttpOptions {
  return {
    logger,
    genReqId: assignCorrelationId,
    customAttributeKeys: { reqId: CORRELATION_ID_LOG_KEY },
    serializers: { req: requestSummary },
    // Application logs inside a request carry only the correlation id, not the whole request.
    quietReqLogger: true,
    // Middleware layers may rewrite `url` relative to their mount path; `originalUrl` is the request's.
    autoLogging: { ignore: (req) => isQuietPath(originalUrlOf(req), quietPaths) },
    customLogLevel: (_req, res, error) => requestLogLevel(res.statusCode, error),
  };
}

/** `nestjs-pino` params for `ObservabilityModule`: one logger for request and application logs. */
export function loggerModuleParams(options: ObservabilityOptions, extraQuietPaths: readonly string[] = []): Params {
  const quietPaths = [...DEFAULT_QUIET_PATHS, ...extraQuietPaths, ...(options.quietPaths ?? [])];
  return {
    pinoHttp: requestLoggingOptions(createJsonLogger(options), quietPaths),
    // Nest 11 path syntax for "every route", so no legacy-wildcard warning at start-up.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
  };
}
