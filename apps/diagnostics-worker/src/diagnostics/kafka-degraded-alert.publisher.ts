import { v5 as uuidv5 } from 'uuid';
import { SCHEMA_VERSION, subjectOf, topicOf, type DecisionDegradedEvent, type Environment, type OpalEvent } from '@opal/contracts';
import type { EventProducer } from '@opal/platform-kafka';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import type { DegradedAlert, DegradedAlertPublisher } from './diagnostics.ports';

const DEGRADED_TOPIC = topicOf('decision.degraded');
// Fixed namespace: the same workflow and metric always give the same event id, so a re-sent alert dedupes downstream.
const DEGRADED_EVENT_ID_NAMESPACE = '8a3d1f0e-5c2b-4e7a-9f61-2d4b8c0e7a15';

/** Puts a degraded alert into `opal.decision.degraded` as a full event, acknowledged with acks=all. */
export class KafkaDegradedAlertPublisher implements DegradedAlertPublisher {
  constructor(
    private readonly producer: Pick<EventProducer, 'send'>,
    private readonly registry: Pick<SchemaRegistryClient, 'encode'>,
    private readonly environment: Environment,
  ) {}

  async publish(alert: DegradedAlert, cause: OpalEvent): Promise<void> {
    const event: DecisionDegradedEvent = {
      schema_version: SCHEMA_VERSION,
      event_id: uuidv5(`${alert.workflow_id}:${alert.metric}`, DEGRADED_EVENT_ID_NAMESPACE),
      correlation_id: cause.correlation_id,
      timestamp: Date.now(),
      source_system: alert.detected_by,
      environment: this.environment,
      ...alert,
      decision_id: alert.decision_id ?? null,
    };
    await this.producer.send({
      topic: DEGRADED_TOPIC,
      key: event.workflow_id,
      value: await this.registry.encode(subjectOf(DEGRADED_TOPIC), event),
      headers: {
        event_type: 'decision.degraded',
        event_id: event.event_id,
        correlation_id: event.correlation_id,
        source_system: event.source_system,
        schema_version: event.schema_version,
      },
    });
  }
}
