/** Result label of `opal_events_produced_total`. */
export type ProduceResult = 'success' | 'failure';

/** Outcome label of `opal_events_consumed_total`. */
export type ConsumeOutcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered' | 'skipped';

/** Result label of `opal_idempotency_checks_total`. */
export type IdempotencyCheckResult = 'claimed' | 'duplicate' | 'in_flight' | 'mismatch' | 'error';

/** Result label of `opal_rate_limit_checks_total`: `unavailable` means Redis could not be asked. */
export type RateLimitCheckResult = 'allowed' | 'limited' | 'unavailable';

/** States of a circuit breaker; the gauge `opal_circuit_breaker_state` reports their value. */
export type CircuitBreakerState = 'closed' | 'half-open' | 'open';

export const CIRCUIT_BREAKER_STATE_VALUES = {
  closed: 0,
  'half-open': 1,
  open: 2,
} as const satisfies Record<CircuitBreakerState, number>;

/** Produce acks from 1 ms (local broker) to 2 s (a slow ISR under load). */
export const PRODUCE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

/** Handler time, Redis round trips included, up to retries with backoff. */
export const PROCESSING_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface MetricDefinition {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly string[];
  buckets?: readonly number[];
}

/** Every metric of the contract (ARCHITECTURE.md §5): dashboards are written against these names. */
export const OPAL_METRICS = {
  eventsProduced: {
    name: 'opal_events_produced_total',
    help: 'Events handed to Kafka, by topic and result (success = acknowledged with acks=all).',
    type: 'counter',
    labelNames: ['topic', 'result'],
  },
  produceDuration: {
    name: 'opal_produce_duration_seconds',
    help: 'Time from send to broker acknowledgement (or failure) per event.',
    type: 'histogram',
    labelNames: ['topic'],
    buckets: PRODUCE_DURATION_BUCKETS,
  },
  eventsConsumed: {
    name: 'opal_events_consumed_total',
    help: 'Records consumed, by topic, consumer group and outcome (processed, duplicate, retried, dead_lettered, skipped).',
    type: 'counter',
    labelNames: ['topic', 'group', 'outcome'],
  },
  eventProcessingDuration: {
    name: 'opal_event_processing_duration_seconds',
    help: 'Time a consumer spent on one record, idempotency checks included.',
    type: 'histogram',
    labelNames: ['topic', 'group'],
    buckets: PROCESSING_DURATION_BUCKETS,
  },
  consumerLag: {
    name: 'opal_consumer_lag',
    help: 'Records between the committed offset of a group and the end of a partition.',
    type: 'gauge',
    labelNames: ['topic', 'partition', 'group'],
  },
  idempotencyChecks: {
    name: 'opal_idempotency_checks_total',
    help: 'Idempotency record checks, by scope and result.',
    type: 'counter',
    labelNames: ['scope', 'result'],
  },
  webhookRequests: {
    name: 'opal_webhook_requests_total',
    help: 'Webhook requests answered, by HTTP status.',
    type: 'counter',
    labelNames: ['status'],
  },
  rateLimitChecks: {
    name: 'opal_rate_limit_checks_total',
    help: 'Webhook rate-limit checks, by result (allowed, limited, unavailable = Redis unreachable, the fail mode applied).',
    type: 'counter',
    labelNames: ['result'],
  },
  circuitBreakerState: {
    name: 'opal_circuit_breaker_state',
    help: 'Circuit breaker state: 0 = closed, 1 = half-open, 2 = open.',
    type: 'gauge',
    labelNames: ['name'],
  },
} as const satisfies Record<string, MetricDefinition>;
