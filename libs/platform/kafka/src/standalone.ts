// `@opal/platform-kafka/standalone`: the producer side of the lib without Nest, for code that runs
// outside a Nest app (the client SDK). Loading it registers Snappy with kafkajs, as the main entry does.
import './lib/producer/snappy.codec';
export { buildKafkaClientConfig } from './lib/kafka-client.config';
export { EventProducer } from './lib/producer/event.producer';
export { PRODUCER_COMPRESSION, registerSnappyCodec } from './lib/producer/snappy.codec';
export {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './lib/kafka.constants';
export { KAFKA_ERROR_CODES } from './lib/kafka.error-codes';
export type { KafkaErrorCode } from './lib/kafka.error-codes';
export {
  EventProducerError,
  KafkaAccessDeniedError,
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
export { backoffDelayMs } from './lib/consumer/retry.backoff';
export { deadLetterRecord } from './lib/consumer/dead-letter.record';
export type { BackoffOptions } from './lib/consumer/retry.backoff';
