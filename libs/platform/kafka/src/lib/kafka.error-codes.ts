/**
 * Every code the producer's and the topic manager's errors can carry (the consumer's own errors,
 * `consumer.errors.ts`, carry theirs). Codes are stable strings: they travel in logs,
 * problem+json bodies and DLQ headers, so callers switch on them, not on class names.
 */
export const KAFKA_ERROR_CODES = [
  'KAFKA_UNAVAILABLE',
  'KAFKA_PRODUCE_FAILED',
  'KAFKA_ACCESS_DENIED',
  'KAFKA_TOPIC_PROFILE_UNSATISFIABLE',
] as const;

/** One of `KAFKA_ERROR_CODES`. */
export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[number];
