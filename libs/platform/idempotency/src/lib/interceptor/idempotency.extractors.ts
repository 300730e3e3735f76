import { createHash } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { DEFAULT_IDEMPOTENCY_HEADER } from '../idempotency.constants';
import type { IdempotencyExtractor } from './idempotency-interceptor.options';

/** The field and Kafka header that carry an event's id (ARCHITECTURE.md §2). */
const EVENT_ID = 'event_id';

/**
 * The default key: for RPC the payload's `event_id`, else the Kafka header `event_id`; for HTTP
 * the request header `header`.
 */
export function defaultIdempotencyKey(header: string = DEFAULT_IDEMPOTENCY_HEADER): IdempotencyExtractor {
  const headerName = header.toLowerCase();
  return (data, context) => {
    switch (context.getType()) {
      case 'rpc':
        return nonEmpty(fieldOf(data, EVENT_ID)) ?? nonEmpty(kafkaHeader(context.switchToRpc().getContext(), EVENT_ID));
      case 'http':
        return nonEmpty(headerValue(fieldOf(context.switchToHttp().getRequest(), 'headers'), headerName));
      case 'ws':
        return undefined;
      default:
        return undefined;
    }
  };
}

/** SHA-256 (hex) of `data` as JSON with object keys sorted: equal payloads, equal fingerprints. */
export function payloadFingerprint(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}

/** The request body (HTTP) or decoded message (RPC) the extractors are given. */
export function contextData(context: ExecutionContext): unknown {
  return context.getType() === 'http'
    ? fieldOf(context.switchToHttp().getRequest(), 'body')
    : context.switchToRpc().getData();
}

function canonicalJson(data: unknown): string {
  const json = JSON.stringify(data, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
  return json ?? 'null';
}

function fieldOf(value: unknown, field: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
}

/** A header of the Kafka message behind a `KafkaContext` (duck-typed: anything with `getMessage()`). */
function kafkaHeader(rpcContext: unknown, name: string): unknown {
  const getMessage = fieldOf(rpcContext, 'getMessage');
  if (typeof getMessage !== 'function') return undefined;
  const message: unknown = getMessage.call(rpcContext);
  return headerValue(fieldOf(message, 'headers'), name);
}

function headerValue(headers: unknown, name: string): unknown {
  const value = fieldOf(headers, name);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function nonEmpty(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
