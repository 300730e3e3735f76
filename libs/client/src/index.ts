// @opal/events-client: publish OPAL events to Kafka as the ingest gateway does, or send them to the
// gateway as signed webhooks. Bundled (workspace libs inlined) by `nx run events-client:build`.
export { OpalEventProducer, getOpalEventProducer, resetOpalEventProducer } from './lib/opal-event.producer';
export type {
  DependencyHealth,
  OpalEventProducerOptions,
  ProducerHealth,
  PublishOptions,
  PublishResult,
} from './lib/opal-event.producer.types';
export { EventValidationError } from './lib/event-validation.error';
export { WebhookSender, sendWebhook } from './lib/webhook.sender';
export type { SendWebhookOptions, WebhookAccepted, WebhookSenderOptions } from './lib/webhook.sender';
export {
  WebhookAnswerError,
  WebhookDeliveryError,
  WebhookRejectedError,
  WebhookRetryLaterError,
  WebhookSendError,
} from './lib/webhook-sender.errors';
export type { WebhookProblem } from './lib/webhook-sender.errors';
export { parseRetryAfter } from './lib/retry-after';
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_WEBHOOK_BASE_DELAY_MS,
  DEFAULT_WEBHOOK_MAX_ATTEMPTS,
  DEFAULT_WEBHOOK_MAX_DELAY_MS,
} from './lib/client.constants';
// What a caller catches or types against, from the libs the package bundles.
export { EVENT_TYPES, PUBLISH_METHODS, TOPIC_CATALOGUE, eventIdForDelivery, topicOf } from '@opal/contracts';
export type {
  AgentCompletedData,
  AgentDataInput,
  DecisionDegradedData,
  DecisionGeneratedData,
  Environment,
  EventDataByType,
  EventPayloadByType,
  EventType,
  KnowledgeUpsertedData,
  UserPreferencesInput,
  UserPreferencesUpdatedData,
  WorkflowCompletedData,
  WorkflowStartedData,
} from '@opal/contracts';
export { InvalidEnvironmentError } from '@opal/platform-config';
export type { KafkaConnectionConfig } from '@opal/platform-config';
export { KafkaProduceError, KafkaUnavailableError, KafkaUnknownTopicError } from '@opal/platform-kafka/standalone';
export {
  SchemaRegistryUnavailableError,
  UnknownSchemaError,
  type PayloadFieldError,
  type SchemaRegistryClientOptions,
} from '@opal/platform-schema-registry/client';
