export { CONSUMER_GROUPS, EVENT_TYPES, TOPIC_CATALOGUE, dlqTopicOf, topicOf } from './lib/topic-catalogue';
export type { ConsumerGroup, EventType, TopicDefinition } from './lib/topic-catalogue';
