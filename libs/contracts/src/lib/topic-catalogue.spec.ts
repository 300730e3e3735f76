import { AVRO_SCHEMAS } from './generated/contracts.generated';
import {
  CONSUMER_GROUPS,
  EVENT_TYPES,
  TOPIC_CATALOGUE,
  dlqTopicOf,
  isEventType,
  subjectOf,
  topicOf,
} from './topic-catalogue';

describe('topic catalogue', () => {
  it('should list one topic per event type, prefixed opal.', () => {
    expect(TOPIC_CATALOGUE.map((entry) => entry.topic)).toEqual(EVENT_TYPES.map((type) => `opal.${type}`));
  });

  it('should pair every topic with a .dlq twin', () => {
    for (const entry of TOPIC_CATALOGUE) expect(entry.dlqTopic).toBe(`${entry.topic}.dlq`);
  });

  it("should register every topic's values under the subject <topic>-value", () => {
    for (const entry of TOPIC_CATALOGUE) expect(entry.subject).toBe(`${entry.topic}-value`);
    expect(subjectOf('opal.workflow.started')).toBe('opal.workflow.started-value');
  });

  it.each(TOPIC_CATALOGUE)('should key $eventType by $keyField, a required string field of its schema', (entry) => {
    const field = AVRO_SCHEMAS[entry.eventType].fields.find((candidate) => candidate.name === entry.keyField);
    expect(field).toBeDefined();
    expect(field?.type).toBe('string');
    expect(field).not.toHaveProperty('default');
  });

  it('should key user preferences by user and knowledge by knowledge id', () => {
    const keyOf = (type: string) => TOPIC_CATALOGUE.find((entry) => entry.eventType === type)?.keyField;
    expect(keyOf('user.preferences.updated')).toBe('user_id');
    expect(keyOf('knowledge.upserted')).toBe('knowledge_id');
    expect(keyOf('agent.completed')).toBe('workflow_id');
  });

  it('should build topic names the same way for lookups', () => {
    expect(topicOf('decision.degraded')).toBe('opal.decision.degraded');
    expect(dlqTopicOf('opal.decision.degraded')).toBe('opal.decision.degraded.dlq');
  });

  it('should recognise event types and nothing else', () => {
    expect(EVENT_TYPES.every(isEventType)).toBe(true);
    expect(isEventType('opal.workflow.started')).toBe(false);
    expect(isEventType(undefined)).toBe(false);
  });

  it('should name the consumer groups of the contract', () => {
    expect(Object.values(CONSUMER_GROUPS).sort()).toEqual(['opal-diagnostics', 'opal-recommendations']);
  });
});
