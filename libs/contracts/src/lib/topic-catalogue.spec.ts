import { CONSUMER_GROUPS, EVENT_TYPES, TOPIC_CATALOGUE, dlqTopicOf, topicOf } from './topic-catalogue';

describe('topic catalogue', () => {
  it('should list one topic per event type, prefixed opal.', () => {
    expect(TOPIC_CATALOGUE.map((entry) => entry.topic)).toEqual(EVENT_TYPES.map((type) => `opal.${type}`));
  });

  it('should pair every topic with a .dlq twin', () => {
    for (const entry of TOPIC_CATALOGUE) expect(entry.dlqTopic).toBe(`${entry.topic}.dlq`);
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

  it('should name the consumer groups of the contract', () => {
    expect(Object.values(CONSUMER_GROUPS).sort()).toEqual(['opal-diagnostics', 'opal-recommendations']);
  });
});
