import { randomUUID } from 'node:crypto';
import { signWebhook, type EventDataByType, type EventType } from '@opal/contracts';
import type { EnvSource } from '@opal/platform-config';
import { backoffDelayMs } from '@opal/platform-kafka/standalone';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_WEBHOOK_BASE_DELAY_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
  DEFAULT_WEBHOOK_MAX_DELAY_MS,
  DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
  WEBHOOK_PATH,
} from './client.constants';
import { readSenderEnv } from './client.env';
import { parseRetryAfter } from './retry-after';
import { WebhookDeliveryError, WebhookRejectedError, WebhookRetryLaterError, type WebhookProblem } from './webhook-sender.errors';

export interface WebhookSenderOptions {
  /** The gateway's base URL (default `INGEST_GATEWAY_URL`, else http://127.0.0.1:3000); the sender posts to `/v1/webhooks/opal` below it. */
  url?: string;
  /** `whsec_<base64>` secrets; one signature per secret (default `WEBHOOK_SECRETS`, comma-separated). */
  secrets?: string | readonly string[];
  /** Attempts per delivery, the first included (default 5). */
  maxAttempts?: number;
  /** Backoff: full jitter over min(maxDelayMs, baseDelayMs · 2^(retry-1)) (defaults 200 and 10 000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` above this is not waited out: `WebhookRetryLaterError` (default 10 000 ms). */
  maxRetryAfterMs?: number;
  /** Deadline of one attempt (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Where unset options are read from (default `process.env`). */
  env?: EnvSource;
  /** Seams for tests: the HTTP client, the wait between attempts, the jitter source and the clock. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface SendWebhookOptions {
  /** The `webhook-id`: the gateway's idempotency key, kept across retries (default `msg_<uuid>`). Reuse it to resend. */
  deliveryId?: string;
  /** When the event occurred: the body's `timestamp` (default now). */
  timestamp?: Date | number;
  /** Sent as `x-correlation-id`; the gateway makes it the event's `correlation_id`. */
  correlationId?: string;
  /** Sent as `traceparent`; the gateway passes a valid one on as a record header. */
  traceparent?: string;
}

/** The gateway's answer: 202 for a new event, 200 with `duplicate: true` for a redelivery. */
export interface WebhookAccepted {
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
  duplicate: boolean;
  status: number;
  deliveryId: string;
  attempts: number;
}

const RETRIABLE_4XX = new Set([409, 429]);

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return text ? { detail: text.slice(0, 500) } : {};
  }
}

/**
 * Sends OPAL events to the ingest gateway as signed webhooks (Standard Webhooks: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`). One delivery keeps its `webhook-id` and body across
 * attempts (re-signed with a fresh timestamp each time), so the gateway produces it at most once:
 *
 * - 2xx: done (200 `duplicate: true` when an earlier attempt had already got through);
 * - 5xx, 409 (the same delivery still in flight), 429 and connection failures: retried, up to
 *   `maxAttempts`, after `Retry-After` when the answer has one, else exponential backoff with
 *   full jitter (200 ms base); a `Retry-After` over 10 s ends the send with `WebhookRetryLaterError`;
 * - any other 4xx: `WebhookRejectedError` at once, with the problem+json.
 */
export class WebhookSender {
  private readonly endpoint: string;
  private readonly secrets: readonly string[];
  private readonly settings: Required<Pick<WebhookSenderOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'requestTimeoutMs'>>;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  /** @throws InvalidEnvironmentError on a bad `INGEST_GATEWAY_URL`/`WEBHOOK_SECRETS`; TypeError without any secret. */
  constructor(options: WebhookSenderOptions = {}) {
    const fromEnv = readSenderEnv(options.env ?? process.env, options);
    const secrets = options.secrets ?? fromEnv.secrets;
    this.secrets = typeof secrets === 'string' ? [secrets] : secrets;
    if (this.secrets.length === 0) throw new TypeError('WebhookSender needs a whsec_ secret: pass secrets or set WEBHOOK_SECRETS');
    this.endpoint = `${(options.url ?? fromEnv.url).replace(/\/+$/, '')}${WEBHOOK_PATH}`;
    this.settings = {
      maxAttempts: options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_WEBHOOK_BASE_DELAY_MS,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_WEBHOOK_MAX_DELAY_MS,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_WEBHOOK_REQUEST_TIMEOUT_MS,
    };
    if (!Number.isInteger(this.settings.maxAttempts) || this.settings.maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${this.settings.maxAttempts}`);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /**
   * Delivers one event and resolves with the gateway's answer.
   * @throws WebhookRejectedError on a final 4xx; WebhookRetryLaterError when asked to wait over the limit;
   * WebhookDeliveryError when every attempt failed.
   */
  async send<T extends EventType>(type: T, data: EventDataByType[T], options: SendWebhookOptions = {}): Promise<WebhookAccepted> {
    const deliveryId = options.deliveryId ?? `msg_${randomUUID()}`;
    const timestamp = new Date(options.timestamp ?? this.now()).toISOString();
    const body = JSON.stringify({ type, timestamp, data });
    const extra: Record<string, string> = {
      ...(options.correlationId !== undefined ? { 'x-correlation-id': options.correlationId } : {}),
      ...(options.traceparent !== undefined ? { traceparent: options.traceparent } : {}),
    };
    let last: { status?: number; problem?: WebhookProblem; cause?: unknown } = {};
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt += 1) {
      let waitMs: number | undefined;
      try {
        const headers = { ...signWebhook({ secrets: this.secrets, deliveryId, body, timestamp: new Date(this.now()) }), ...extra };
        const response = await this.fetch(this.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.settings.requestTimeoutMs) });
        const json = await readJson(response);
        if (response.ok) return { ...(json as unknown as Omit<WebhookAccepted, 'status' | 'deliveryId' | 'attempts'>), status: response.status, deliveryId, attempts: attempt };
        const problem = json as WebhookProblem;
        if (response.status < 500 && !RETRIABLE_4XX.has(response.status)) throw new WebhookRejectedError(response.status, problem, deliveryId, attempt);
        waitMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
        if (waitMs !== undefined && waitMs > this.settings.maxRetryAfterMs) throw new WebhookRetryLaterError(response.status, waitMs, problem, deliveryId, attempt);
        last = { status: response.status, problem };
      } catch (error) {
        if (error instanceof WebhookRejectedError || error instanceof WebhookRetryLaterError) throw error;
        last = { cause: error };
      }
      if (attempt < this.settings.maxAttempts) await this.sleep(waitMs ?? backoffDelayMs(attempt, this.settings, this.random));
    }
    throw new WebhookDeliveryError(last.status, deliveryId, this.settings.maxAttempts, last);
  }
}

/** `new WebhookSender(options).send(type, data, options)`: one delivery with the sender's retry rules. */
export function sendWebhook<T extends EventType>(
  type: T,
  data: EventDataByType[T],
  options: SendWebhookOptions & WebhookSenderOptions = {},
): Promise<WebhookAccepted> {
  const { deliveryId, timestamp, correlationId, traceparent, ...sender } = options;
  return new WebhookSender(sender).send(type, data, { deliveryId, timestamp, correlationId, traceparent });
}
