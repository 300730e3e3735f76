import { randomUUID } from 'node:crypto';
import { storage } from 'nestjs-pino/storage';
import { CORRELATION_ID_HEADER, CORRELATION_ID_LOG_KEY, CORRELATION_ID_MAX_LENGTH } from '../observability.constants';

/** Visible ASCII only: no spaces, control characters or line breaks that could forge log lines or headers. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

type HeaderValue = string | string[] | number | undefined;

interface RawRequestLike {
  id?: unknown;
  headers?: Record<string, HeaderValue>;
}

/** A Fastify request (`raw` is Node's message) or Node's `IncomingMessage` itself. */
export type CorrelatedRequest = RawRequestLike & { raw?: RawRequestLike };

/** Whether `value` may be used as a correlation id: 1–128 visible ASCII characters. */
export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= CORRELATION_ID_MAX_LENGTH && VISIBLE_ASCII.test(value);
}

/** The caller's `x-correlation-id` when valid, otherwise a fresh UUID. */
export function resolveCorrelationId(header: HeaderValue): string {
  return isValidCorrelationId(header) ? header : randomUUID();
}

/**
 * The correlation id of `request` as logged and echoed by `ObservabilityModule`; falls back to a
 * valid `x-correlation-id` header when the logging middleware did not run.
 */
export function correlationIdOf(request: CorrelatedRequest): string | undefined {
  // Fastify keeps its own `request.id`; the logging middleware sets `id` on the Node message.
  const raw = request.raw ?? request;
  if (isValidCorrelationId(raw.id)) return raw.id;
  const header = raw.headers?.[CORRELATION_ID_HEADER];
  return isValidCorrelationId(header) ? header : undefined;
}

/**
 * The correlation id `ObservabilityModule` decided for `request` at the edge (logged, echoed in
 * `x-correlation-id`). Handlers read it here instead of working it out again from the header.
 */
export function requestCorrelationId(request: CorrelatedRequest): string {
  const id = correlationIdOf(request);
  if (id === undefined) throw new Error('the request has no correlation id: is ObservabilityModule imported by the root module?');
  return id;
}

/**
 * The fields that name a request in a log line written on its behalf: the correlation id, unless
 * the line is written inside that request's context, whose logger already adds it (a key written
 * twice would be two `correlation_id`s on one line). For apps without the request context
 * (`ObservabilityOptions.requestContext: false`) and for work that outlives it.
 */
export function correlationLogFields(correlationId: string): Record<string, string> {
  return currentCorrelationId() === correlationId ? {} : { [CORRELATION_ID_LOG_KEY]: correlationId };
}

/** `correlationLogFields` of `request`'s correlation id; none for a request that has none. */
export function requestLogFields(request: CorrelatedRequest): Record<string, string> {
  const id = correlationIdOf(request);
  return id === undefined ? {} : correlationLogFields(id);
}

/** The correlation id of the HTTP request being handled, from anywhere in its async context. */
export function currentCorrelationId(): string | undefined {
  const value: unknown = storage.getStore()?.logger.bindings()[CORRELATION_ID_LOG_KEY];
  return isValidCorrelationId(value) ? value : undefined;
}
