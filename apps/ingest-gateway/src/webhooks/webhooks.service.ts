import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { buildEventRecord } from '@opal/contracts';
import { correlationLogFields } from '@opal/platform-observability';
import type { DeploymentEnvironment } from '@opal/platform-config';
import { webhookProblems } from './webhook-problems';
import { deliveryIdProblem, parseWebhookBody } from './webhook-request';
import { WebhookSignatureError, WebhookSignatureVerifier } from './webhook-signature.verifier';
import {
  DELIVERY_ADMISSION,
  DELIVERY_LEDGER,
  DependencyUnavailableError,
  EVENT_ENCODER,
  EVENT_PUBLISHER,
  EventValidationError,
  RATE_LIMITER,
  type AcceptedEvent,
  type DeliveryAdmission,
  type DeliveryLedger,
  type EventEncoder,
  type EventPublisher,
  type RateLimiter,
} from './webhook.ports';

export const WEBHOOKS_OPTIONS = 'INGEST_GATEWAY:WEBHOOKS_OPTIONS';

/** A dependency that cannot serve now becomes the caller's 503 + Retry-After; anything else passes unchanged. */
const asUnavailableProblem = (error: unknown): unknown =>
  error instanceof DependencyUnavailableError ? webhookProblems.unavailable(error.dependency) : error;

export interface WebhooksOptions {
  secrets: readonly string[];
  sourceSystem: string;
  environment: DeploymentEnvironment;
}

export interface IncomingWebhook {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  correlationId: string;
}

export type WebhookOutcome = { status: 202 | 200; body: AcceptedEvent & { duplicate: boolean } };

/** A webhook turned into its Kafka record: validated, enveloped and encoded. */
interface PreparedEvent {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * The webhook flow (ARCHITECTURE.md §3): authenticate, validate and encode, rate-limit and claim
 * the delivery (one Redis call), publish with acks=all, remember the result. Every refusal is a
 * ProblemException; a 2xx only ever follows a Kafka acknowledgement (or repeats one).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly verifier: WebhookSignatureVerifier;

  constructor(
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
    @Inject(DELIVERY_ADMISSION) private readonly admission: DeliveryAdmission,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(EVENT_ENCODER) private readonly encoder: EventEncoder,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
  ) {
    this.verifier = new WebhookSignatureVerifier(options.secrets);
  }

  async accept(incoming: IncomingWebhook): Promise<WebhookOutcome> {
    // Checked before the signature: an unbounded id would be hashed, logged and stored as a Redis key.
    const badDeliveryId = deliveryIdProblem(incoming.headers['webhook-id']);
    if (badDeliveryId) throw webhookProblems.invalidDeliveryId([badDeliveryId]);
    const delivery = this.authenticate(incoming);
    let event: PreparedEvent;
    try {
      event = await this.prepare(incoming, delivery.deliveryId);
    } catch (refusal) {
      // A refused request counts against its source like any other, and over the limit (or with
      // Redis down, fail-closed) that answer comes first, as when the limit was checked first.
      const rate = await this.orUnavailable(this.rateLimiter.consume(delivery.sourceId));
      if (!rate.allowed) throw webhookProblems.rateLimited(rate.retryAfterSeconds);
      throw refusal;
    }

    const fingerprint = createHash('sha256').update(incoming.rawBody).digest('hex');
    const admission = await this.orUnavailable(this.admission.admit(delivery.sourceId, delivery.deliveryId, fingerprint));
    if (!admission.allowed) throw webhookProblems.rateLimited(admission.retryAfterSeconds);
    const { claim } = admission;
    if (claim.state === 'done') {
      if (!claim.sameFingerprint) throw webhookProblems.deliveryMismatch();
      return { status: 200, body: { ...claim.result, duplicate: true } };
    }
    if (claim.state === 'in-flight') throw claim.sameFingerprint ? webhookProblems.deliveryInFlight() : webhookProblems.deliveryMismatch();

    let accepted: AcceptedEvent;
    try {
      const ack = await this.publisher.publish(event);
      accepted = { event_id: event.headers['event_id'] as string, topic: event.topic, ...ack };
    } catch (error) {
      // Not in Kafka: free the delivery id so the sender's retry can succeed.
      await this.ledger.release(delivery.deliveryId, claim.token).catch(() => undefined);
      throw asUnavailableProblem(error);
    }
    // The event is durably in Kafka: the 202 does not wait for Redis to record it. The completion is
    // issued before the answer, on the connection every later claim of this replica uses, so a
    // redelivery here finds it done; one at another replica within that round trip finds the claim
    // in flight (409, retry). If it is lost (Redis fails now, the process dies), the claim expires
    // after IDEMPOTENCY_LEASE_MS (409 until then) and a redelivery after that is published again
    // under the same event_id, which the consumers' apply-once drops: as when an awaited write failed.
    const request = correlationLogFields(incoming.correlationId);
    void this.ledger.complete(delivery.deliveryId, claim.token, accepted).catch((error: unknown) => {
      this.logger.warn({ ...request, err: error, event_id: accepted.event_id }, 'could not record the delivery result');
    });
    this.logger.log({ ...request, event_id: accepted.event_id, topic: accepted.topic, partition: accepted.partition, offset: accepted.offset }, 'event accepted');
    return { status: 202, body: { ...accepted, duplicate: false } };
  }

  /** Parses, envelopes and encodes the body; a bad payload or an unreachable registry is refused here, before any claim. */
  private async prepare(incoming: IncomingWebhook, deliveryId: string): Promise<PreparedEvent> {
    const parsed = parseWebhookBody(incoming.rawBody);
    if (!parsed.ok) {
      if (parsed.kind === 'malformed-json') throw webhookProblems.malformedJson(parsed.errors[0]?.message ?? 'unparseable body');
      if (parsed.kind === 'unknown-event-type') throw webhookProblems.unknownEventType(parsed.errors);
      throw webhookProblems.invalidRequest(parsed.errors);
    }
    const traceparent = incoming.headers['traceparent'];
    const record = buildEventRecord(parsed.type, parsed.data, {
      deliveryId,
      correlationId: incoming.correlationId,
      occurredAt: parsed.occurredAt,
      environment: this.options.environment,
      sourceSystem: this.options.sourceSystem,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    const value = await this.encode(record.definition.subject, record.payload);
    return { topic: record.definition.topic, key: record.key, value, headers: record.headers };
  }

  private authenticate(incoming: IncomingWebhook) {
    try {
      return this.verifier.verify(incoming.rawBody, incoming.headers);
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw webhookProblems.invalidSignature(error.message);
      throw error;
    }
  }

  private async encode(subject: string, payload: Record<string, unknown>) {
    try {
      return await this.orUnavailable(this.encoder.encode(subject, payload));
    } catch (error) {
      if (error instanceof EventValidationError) {
        throw webhookProblems.invalidRequest(error.errors.map((e) => ({ path: e.path ? `data.${e.path}` : 'data', message: e.message })));
      }
      throw error;
    }
  }

  private async orUnavailable<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw asUnavailableProblem(error);
    }
  }
}
