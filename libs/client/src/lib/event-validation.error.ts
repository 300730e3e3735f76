import type { EventType } from '@opal/contracts';
import type { PayloadFieldError } from '@opal/platform-schema-registry/client';

/**
 * The data of a publish does not match its event type's schema; `errors` name every offending
 * field (`agent_data.confidence_score: expected double | null, got "high"`). Nothing was produced.
 */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  readonly code = 'EVENT_INVALID';
  readonly retriable = false;

  constructor(
    readonly eventType: EventType,
    readonly errors: readonly PayloadFieldError[],
    options?: { cause?: unknown },
  ) {
    super(`${eventType} does not match its schema: ${errors.map(({ path, message }) => `${path || '(root)'}: ${message}`).join('; ')}`, options);
  }
}
