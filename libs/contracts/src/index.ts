export { DEFAULT_SOURCE_SYSTEM, ENVELOPE_FIELDS, ENVIRONMENTS, SCHEMA_VERSION } from './lib/envelope';
export { buildEventRecord, eventIdForDelivery } from './lib/event-record';
export type { EventContext, OpalEventRecord } from './lib/event-record';
export { signWebhook, webhookSignature, webhookSigningKey } from './lib/webhook-signing';
export type { SignedWebhookHeaders } from './lib/webhook-signing';
export {
  CONSUMER_GROUPS,
  EVENT_TYPES,
  TOPIC_CATALOGUE,
  dlqTopicOf,
  isEventType,
  subjectOf,
  topicOf,
} from './lib/topic-catalogue';
export type { ConsumerGroup, EventType, TopicDefinition } from './lib/topic-catalogue';
export {
  DIAGNOSTICS_KEY_PREFIX,
  IDEMPOTENCY_KEY_PREFIX,
  RECOMMENDATIONS_KEY_PREFIX,
  WEBHOOK_IDEMPOTENCY_SCOPE,
  WEBHOOK_RATE_LIMIT_KEY_PREFIX,
  idempotencyScopePrefix,
} from './lib/redis-key-prefixes';
export { ACCESS_PLAN, SERVICE_NAMES, readerGroupPrefix, redisKeyGranted } from './lib/access-plan';
export { REDIS_KEY_SHARDS, REDIS_SHARDS, redisKeyShardOf, redisShardTag, redisShardTagOf } from './lib/redis-key-shards';
export { diagnosticsKeys } from './lib/diagnostics-redis-keys';
export type { DiagnosticsKeys } from './lib/diagnostics-redis-keys';
export { decisionKey, preferencesKey } from './lib/recommendations-redis-keys';
export type { ConsumerAccess, InspectAccess, ServiceAccess, ServiceName } from './lib/access-plan';
export { AVRO_SCHEMAS, PUBLISH_METHODS, TypedEventPublisher } from './lib/generated/contracts.generated';
export type {
  AgentCompletedEvent,
  AgentCompletedData,
  AgentData,
  AgentDataInput,
  DecisionDegradedData,
  DecisionDegradedEvent,
  DecisionGeneratedData,
  DecisionGeneratedEvent,
  Environment,
  EventDataByType,
  EventEnvelope,
  EventPayloadByType,
  ExecutionStatus,
  KnowledgeUpsertedData,
  KnowledgeUpsertedEvent,
  OpalEvent,
  Recommendation,
  Severity,
  UserPreferences,
  UserPreferencesInput,
  UserPreferencesUpdatedData,
  UserPreferencesUpdatedEvent,
  WithDefaults,
  WorkflowCompletedData,
  WorkflowCompletedEvent,
  WorkflowStartedData,
  WorkflowStartedEvent,
  WorkflowStatus,
} from './lib/generated/contracts.generated';
export type {
  AvroArraySchema,
  AvroEnumSchema,
  AvroFieldSchema,
  AvroJsonValue,
  AvroLogicalSchema,
  AvroMapSchema,
  AvroNonUnionSchema,
  AvroPrimitiveType,
  AvroRecordSchema,
  AvroSchema,
} from './lib/avro-schema.types';
export {
  DLQ_HEADERS,
  DLQ_HEADER_PREFIX,
  InvalidDlqHeadersError,
  REPLAY_OF_HEADER,
  REPLAY_TARGET_GROUP_HEADER,
  readDlqHeaders,
  readHeaderText,
} from './lib/dlq-headers';
export type { DlqHeaders, KafkaHeaderValue, KafkaHeaders } from './lib/dlq-headers';
