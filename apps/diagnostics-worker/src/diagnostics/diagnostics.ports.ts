import type { DecisionDegradedEvent, OpalEvent } from '@opal/contracts';

/** DI token of the `DegradedAlertPublisher` the app provides (it produces `opal.decision.degraded`). */
export const DEGRADED_ALERT_PUBLISHER = 'DIAGNOSTICS:DEGRADED_ALERT_PUBLISHER';

/** The type-specific fields of a `decision.degraded` event; the publisher adds the envelope. */
export type DegradedAlert = Pick<
  DecisionDegradedEvent,
  'workflow_id' | 'decision_id' | 'reason' | 'severity' | 'metric' | 'observed' | 'threshold' | 'detected_by'
>;

/** Produces a degraded alert durably (resolves only once Kafka acknowledged it), or rejects. */
export interface DegradedAlertPublisher {
  /** @param cause the event whose handling detected the degradation (for correlation id and tracing). */
  publish(alert: DegradedAlert, cause: OpalEvent): Promise<void>;
}
