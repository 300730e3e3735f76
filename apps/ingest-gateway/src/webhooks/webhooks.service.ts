import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DeploymentEnvironment } from '@opal/platform-config';
import { buildEventRecord } from './opal-event.factory';
import { webhookProblems } from './webhook-problems';
import { deliveryIdProblem, parseWebhookBody } from './webhook-request';
import { WebhookSignatureError, WebhookSignatureVerifier } from './webhook-signature.verifier';
import {
  DELIVERY_LEDGER,
  DependencyUnavailableError,
  EVENT_ENCODER,
  EVENT_PUBLISHER,
  EventValidationError,
  RATE_LIMITER,
  type AcceptedEvent,
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

/**
 * The webhook flow (ARCHITECTURE.md §3): authenticate, rate-limit, validate, claim the delivery,
 * encode, publish with acks=all, remember the result. Every refusal is a ProblemException; a 2xx
 * only ever follows a Kafka acknowledgement (or repeats one).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly verifier: WebhookSignatureVerifier;

  constructor(
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
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
    const rate = await this.orUnavailable(this.rateLimiter.consume(delivery.sourceId));
    if (!rate.allowed) throw webhookProblems.rateLimited(rate.retryAfterSeconds);

    const parsed = parseWebhookBody(incoming.rawBody);
    if (!parsed.ok) {
      if (parsed.kind === 'malformed-json') throw webhookProblems.malformedJson(parsed.errors[0]?.message ?? 'unparseable body');
      if (parsed.kind === 'unknown-event-type') throw webhookProblems.unknownEventType(parsed.errors);
      throw webhookProblems.invalidRequest(parsed.errors);
    }
    const traceparent = incoming.headers['traceparent'];
    const record = buildEventRecord(parsed.type, parsed.data, {
      deliveryId: delivery.deliveryId,
      correlationId: incoming.correlationId,
      occurredAt: parsed.occurredAt,
      environment: this.options.environment,
      sourceSystem: this.options.sourceSystem,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    // Encoding validates against the schema: a bad payload is refused before any claim is taken.
    const value = await this.encode(record.definition.subject, record.payload);

    const fingerprint = createHash('sha256').update(incoming.rawBody).digest('hex');
    const claim = await this.orUnavailable(this.ledger.claim(delivery.deliveryId, fingerprint));
    if (claim.state === 'done') {
      if (!claim.sameFingerprint) throw webhookProblems.deliveryMismatch();
      return { status: 200, body: { ...claim.result, duplicate: true } };
    }
    if (claim.state === 'in-flight') throw claim.sameFingerprint ? webhookProblems.deliveryInFlight() : webhookProblems.deliveryMismatch();

    let accepted: AcceptedEvent;
    try {
      const ack = await this.publisher.publish({ topic: record.definition.topic, key: record.key, value, headers: record.headers });
      accepted = { event_id: record.headers['event_id'] as string, topic: record.definition.topic, ...ack };
    } catch (error) {
      // Not in Kafka: free the delivery id so the sender's retry can succeed.
      await this.ledger.release(delivery.deliveryId, claim.token).catch(() => undefined);
      throw asUnavailableProblem(error);
    }
    await this.ledger.complete(delivery.deliveryId, claim.token, accepted).catch((error: unknown) => {
      // The event is durably in Kafka; a lost ledger write only weakens HTTP-level dedupe (consumers still dedupe by event_id).
      this.logger.warn({ err: error, event_id: accepted.event_id }, 'could not record the delivery result');
    });
    // The request's logger already carries its correlation_id: repeating it would write the key twice.
    this.logger.log({ event_id: accepted.event_id, topic: accepted.topic, partition: accepted.partition, offset: accepted.offset }, 'event accepted');
    return { status: 202, body: { ...accepted, duplicate: false } };
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
