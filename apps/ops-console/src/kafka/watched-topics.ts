import { TOPIC_CATALOGUE, dlqTopicOf, type EventType } from '@opal/contracts';

export interface WatchedTopic {
  topic: string;
  eventType: EventType;
  kind: 'events' | 'dead letters';
}

/** The seven event topics, then their DLQ twins: what the overview lists and the sampler measures. */
export const WATCHED_TOPICS: readonly WatchedTopic[] = [
  ...TOPIC_CATALOGUE.map(({ topic, eventType }) => ({ topic, eventType, kind: 'events' as const })),
  ...TOPIC_CATALOGUE.map(({ topic, eventType }) => ({ topic: dlqTopicOf(topic), eventType, kind: 'dead letters' as const })),
];
