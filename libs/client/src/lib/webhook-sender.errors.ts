/** RFC 9457 problem details as the gateway sends them (`errors` for validation failures). */
export interface WebhookProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  correlation_id?: string;
  [extension: string]: unknown;
}

/** Base of every error of `sendWebhook`: which delivery, after how many attempts. */
export abstract class WebhookSendError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;

  protected constructor(
    message: string,
    readonly deliveryId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

function describeProblem(status: number, problem: WebhookProblem): string {
  const kind = typeof problem.type === 'string' ? ` ${problem.type.replace(/^\/problems\//, '')}` : '';
  const detail = problem.detail ?? problem.title;
  const fields = (problem.errors ?? []).map(({ path, message }) => `${path}: ${message}`).join('; ');
  return `${status}${kind}${detail ? `: ${detail}` : ''}${fields ? ` (${fields})` : ''}`;
}

/** A send that ended on the gateway's answer: its status and problem+json. */
export abstract class WebhookAnswerError extends WebhookSendError {
  protected constructor(
    message: string,
    readonly status: number,
    readonly problem: WebhookProblem,
    deliveryId: string,
    attempts: number,
  ) {
    super(`${message}: ${describeProblem(status, problem)}`, deliveryId, attempts);
  }

  get type(): string | undefined {
    return this.problem.type;
  }

  get title(): string | undefined {
    return this.problem.title;
  }

  get detail(): string | undefined {
    return this.problem.detail;
  }

  /** The fields that broke the schema, `data.<field>`, for a 400 schema violation. */
  get errors(): ReadonlyArray<{ path: string; message: string }> {
    return this.problem.errors ?? [];
  }
}

/**
 * The gateway refused the webhook for good (a 4xx other than 409 and 429: bad signature, schema
 * violation, a delivery id reused for another body, …). Resending the same request cannot help.
 */
export class WebhookRejectedError extends WebhookAnswerError {
  readonly code = 'WEBHOOK_REJECTED';
  readonly retriable = false;

  constructor(status: number, problem: WebhookProblem, deliveryId: string, attempts: number) {
    super(`The gateway rejected webhook ${deliveryId}`, status, problem, deliveryId, attempts);
  }
}

/**
 * The gateway asked to retry later than the sender waits (`Retry-After` over its limit, 10 s by
 * default): send again with the same `deliveryId` after `retryAfterMs`.
 */
export class WebhookRetryLaterError extends WebhookAnswerError {
  readonly code = 'WEBHOOK_RETRY_LATER';
  readonly retriable = true;

  constructor(
    status: number,
    readonly retryAfterMs: number,
    problem: WebhookProblem,
    deliveryId: string,
    attempts: number,
  ) {
    super(`The gateway asked to retry webhook ${deliveryId} in ${Math.ceil(retryAfterMs / 1000)} s`, status, problem, deliveryId, attempts);
  }
}

/** Every attempt failed with a retriable answer or no answer; `cause` is the last failure. Send again with the same `deliveryId`. */
export class WebhookDeliveryError extends WebhookSendError {
  readonly code = 'WEBHOOK_UNDELIVERED';
  readonly retriable = true;

  constructor(
    readonly lastStatus: number | undefined,
    deliveryId: string,
    attempts: number,
    options: { cause?: unknown; problem?: WebhookProblem },
  ) {
    const last = lastStatus !== undefined ? `HTTP ${describeProblem(lastStatus, options.problem ?? {})}` : `no answer (${String((options.cause as Error | undefined)?.message ?? options.cause)})`;
    super(`Webhook ${deliveryId} was not accepted after ${attempts} attempts; last: ${last}`, deliveryId, attempts, { cause: options.cause });
  }
}
