// Registers Snappy with kafkajs before any client of this process produces or consumes.
import './lib/producer/snappy.codec';
export { buildKafkaClientConfig } from './lib/kafka-client.config';
export { TopicManager } from './lib/topics/topic-manager';
export type { TopicAdmin } from './lib/topics/topic-manager';
export { TopicProfileError } from './lib/topics/topic-profile.error';
export { MANAGED_TOPIC_CONFIGS, TOPIC_PROFILES, topicSpecsFor } from './lib/topics/topic-profiles';
export type { ManagedTopicConfig, TopicProfile, TopicSpec } from './lib/topics/topic-profiles';
export type { TopicAction, TopicReportRow } from './lib/topics/topic-plan';
export { KAFKA_ERROR_CODES } from './lib/kafka.error-codes';
export type { KafkaErrorCode } from './lib/kafka.error-codes';
export { EventProducer } from './lib/producer/event.producer';
export { PRODUCER_COMPRESSION, registerSnappyCodec } from './lib/producer/snappy.codec';
export { EventProducerModule } from './lib/producer/event-producer.module';
export {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  EVENT_PRODUCER_OPTIONS,
} from './lib/kafka.constants';
export {
  EventProducerError,
  KafkaProduceError,
  KafkaUnavailableError,
  KafkaUnknownTopicError,
} from './lib/producer/event-producer.errors';
export { toEventProducerError } from './lib/producer/kafka-error.classifier';
export type {
  EventProducerOptions,
  EventProducerStats,
  EventRecord,
  KafkaClientLike,
  MetadataAdmin,
  ProducedHook,
  ProduceResult,
  ProducerClient,
  ProducerRetryOptions,
  RecordPosition,
} from './lib/producer/event-producer.types';
export { APPLIED, DUPLICATE } from './lib/consumer/handler-outcome';
export type { HandlerOutcome } from './lib/consumer/handler-outcome';
export { KeyGroupPattern, KEY_GROUP_EXTRAS, handleEachInOrder } from './lib/consumer/key-group.handler';
export { OpalKafkaServer } from './lib/consumer/opal-kafka.server';
export type { ConsumerMetrics, OpalKafkaServerOptions } from './lib/consumer/opal-kafka.server';
export { RecordProcessor } from './lib/consumer/record.processor';
export type { RecordPorts, RecordProcessorOptions, RecordResult } from './lib/consumer/record.processor';
export { DependencyGuard } from './lib/consumer/dependency.guard';
export type { BreakerState, DependencyGuardOptions } from './lib/consumer/dependency.guard';
export type { Dependency } from '@opal/platform-errors';
export { describeFailure } from './lib/consumer/failure.description';
export { failureKindOf } from './lib/consumer/failure.kind';
export type { FailureKind } from './lib/consumer/failure.kind';
export { backoffDelayMs } from './lib/consumer/retry.backoff';
export type { BackoffOptions } from './lib/consumer/retry.backoff';
export { deadLetterRecord, headersAsStrings } from './lib/consumer/dead-letter.record';
export type { FailureFacts, SourceRecord } from './lib/consumer/dead-letter.record';
export { DependencyUnavailableError, NoHandlerError, PermanentProcessingError } from './lib/consumer/consumer.errors';
export { SchemaRegistryDeserializer } from './lib/consumer/schema-registry.deserializer';
export { ConsumerLagMonitor } from './lib/consumer/consumer-lag.monitor';
export type { LagAdmin } from './lib/consumer/consumer-lag.monitor';
export { ConsumerGroupHealthIndicator } from './lib/consumer/consumer-group.health-indicator';
export type { ConsumerMembership } from './lib/consumer/consumer-group.health-indicator';
