export { buildKafkaClientConfig } from './lib/kafka-client.config';
export { TopicManager } from './lib/topics/topic-manager';
export type { TopicAdmin } from './lib/topics/topic-manager';
export { TopicProfileError } from './lib/topics/topic-profile.error';
export { MANAGED_TOPIC_CONFIGS, TOPIC_PROFILES, topicSpecsFor } from './lib/topics/topic-profiles';
export type { ManagedTopicConfig, TopicProfile, TopicSpec } from './lib/topics/topic-profiles';
export type { TopicAction, TopicReportRow } from './lib/topics/topic-plan';
