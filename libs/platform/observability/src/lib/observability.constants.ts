/** DI token of the options given to `ObservabilityModule.forRoot`. */
export const OBSERVABILITY_OPTIONS = 'OBSERVABILITY:OPTIONS';

/** DI token of the root pino logger: application lines outside requests and every request line. */
export const ROOT_LOGGER = 'OBSERVABILITY:ROOT_LOGGER';

/** DI token of the paths whose requests are not logged (`ObservabilityOptions.quietPaths` and the defaults). */
export const REQUEST_LOG_QUIET_PATHS = 'OBSERVABILITY:REQUEST_LOG_QUIET_PATHS';

/** Request and response header carrying the correlation id. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Log field holding the correlation id on every request-scoped line. */
export const CORRELATION_ID_LOG_KEY = 'correlation_id';

export const CORRELATION_ID_MAX_LENGTH = 128;

export const METRICS_PATH = '/metrics';

/** Probes and scrapes hit these every few seconds; their request logs would drown everything else. */
export const DEFAULT_QUIET_PATHS = ['/health', METRICS_PATH] as const;

/** Request/response fields that carry credentials or session data; the value becomes `[Redacted]`. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["webhook-signature"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
] as const;

export const REDACTED_CENSOR = '[Redacted]';
