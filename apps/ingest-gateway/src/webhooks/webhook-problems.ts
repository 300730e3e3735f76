import { ProblemException, type ProblemFieldError } from '@opal/platform-runtime';

/** Every way the webhook endpoint can refuse a request: one place, stable codes (ARCHITECTURE.md §3). */
export const webhookProblems = {
  malformedJson: (detail: string) => new ProblemException(400, 'malformed-json', 'Malformed JSON', { detail }),
  unknownEventType: (errors: ProblemFieldError[]) =>
    new ProblemException(400, 'unknown-event-type', 'Unknown event type', { detail: 'type is not an OPAL event type', errors }),
  invalidRequest: (errors: ProblemFieldError[]) =>
    new ProblemException(400, 'validation-failed', 'Request failed validation', { detail: `${errors.length} invalid field(s)`, errors }),
  invalidDeliveryId: (errors: ProblemFieldError[]) =>
    new ProblemException(400, 'invalid-webhook-id', 'Invalid webhook-id header', { detail: errors[0]?.message, errors }),
  invalidSignature: (detail: string) => new ProblemException(401, 'invalid-signature', 'Invalid webhook signature', { detail }),
  deliveryInFlight: () =>
    new ProblemException(409, 'delivery-in-flight', 'Delivery is being processed', {
      detail: 'a request with this webhook-id is still in flight; retry later',
      headers: { 'retry-after': '1' },
    }),
  deliveryMismatch: () =>
    new ProblemException(422, 'delivery-id-reused', 'webhook-id reused with a different body', {
      detail: 'this webhook-id was already used for a different payload',
    }),
  rateLimited: (retryAfterSeconds: number) =>
    new ProblemException(429, 'rate-limited', 'Too many requests', {
      detail: 'the per-source rate limit is exceeded',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  unavailable: (dependency: string) =>
    new ProblemException(503, 'dependency-unavailable', 'Service unavailable', {
      detail: `${dependency} is unavailable; nothing was accepted, retry later`,
      headers: { 'retry-after': '5' },
    }),
} as const;
