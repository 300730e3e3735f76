import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';
import {
  CIRCUIT_BREAKER_STATE_VALUES,
  OPAL_METRICS,
  type CircuitBreakerState,
  type ConsumeOutcome,
  type IdempotencyCheckResult,
  type ProduceResult,
  type RateLimitCheckResult,
} from './opal-metrics.catalogue';

type Definition = (typeof OPAL_METRICS)[keyof typeof OPAL_METRICS];
type LabelsOf<D extends Definition> = D['labelNames'][number];

/**
 * Owns every `opal_*` metric of the contract. Callers use the typed methods and never spell a
 * label. Metrics live in the given registry (the global one in apps); constructing a second
 * instance on the same registry reuses the registered metrics.
 */
export class OpalMetrics {
  private readonly eventsProduced: Counter<LabelsOf<typeof OPAL_METRICS.eventsProduced>>;
  private readonly produceDuration: Histogram<LabelsOf<typeof OPAL_METRICS.produceDuration>>;
  private readonly eventsConsumed: Counter<LabelsOf<typeof OPAL_METRICS.eventsConsumed>>;
  private readonly processingDuration: Histogram<LabelsOf<typeof OPAL_METRICS.eventProcessingDuration>>;
  private readonly consumerLag: Gauge<LabelsOf<typeof OPAL_METRICS.consumerLag>>;
  private readonly idempotencyChecks: Counter<LabelsOf<typeof OPAL_METRICS.idempotencyChecks>>;
  private readonly webhookRequests: Counter<LabelsOf<typeof OPAL_METRICS.webhookRequests>>;
  private readonly rateLimitChecks: Counter<LabelsOf<typeof OPAL_METRICS.rateLimitChecks>>;
  private readonly circuitBreakerState: Gauge<LabelsOf<typeof OPAL_METRICS.circuitBreakerState>>;

  constructor(private readonly registry: Registry) {
    this.eventsProduced = this.counter(OPAL_METRICS.eventsProduced);
    this.produceDuration = this.histogram(OPAL_METRICS.produceDuration);
    this.eventsConsumed = this.counter(OPAL_METRICS.eventsConsumed);
    this.processingDuration = this.histogram(OPAL_METRICS.eventProcessingDuration);
    this.consumerLag = this.gauge(OPAL_METRICS.consumerLag);
    this.idempotencyChecks = this.counter(OPAL_METRICS.idempotencyChecks);
    this.webhookRequests = this.counter(OPAL_METRICS.webhookRequests);
    this.rateLimitChecks = this.counter(OPAL_METRICS.rateLimitChecks);
    this.circuitBreakerState = this.gauge(OPAL_METRICS.circuitBreakerState);
  }

  /** One produced event: counts it by result and observes its send-to-ack time (failures included). */
  recordProduced(topic: string, result: ProduceResult, durationSeconds: number): void {
    this.eventsProduced.inc({ topic, result });
    this.produceDuration.observe({ topic }, durationSeconds);
  }

  /** One consumed record and what came of it; `durationSeconds` is observed when the handler ran. */
  recordConsumed(topic: string, group: string, outcome: ConsumeOutcome, durationSeconds?: number): void {
    this.eventsConsumed.inc({ topic, group, outcome });
    if (durationSeconds !== undefined) this.processingDuration.observe({ topic, group }, durationSeconds);
  }

  setConsumerLag(topic: string, partition: number, group: string, lag: number): void {
    this.consumerLag.set({ topic, partition: String(partition), group }, lag);
  }

  recordIdempotencyCheck(scope: string, result: IdempotencyCheckResult): void {
    this.idempotencyChecks.inc({ scope, result });
  }

  recordWebhookRequest(status: number): void {
    this.webhookRequests.inc({ status: String(status) });
  }

  recordRateLimitCheck(result: RateLimitCheckResult): void {
    this.rateLimitChecks.inc({ result });
  }

  /** Reports `state` as 0 (closed), 1 (half-open) or 2 (open). */
  setCircuitBreakerState(name: string, state: CircuitBreakerState): void {
    this.circuitBreakerState.set({ name }, CIRCUIT_BREAKER_STATE_VALUES[state]);
  }

  private counter<D extends Definition>(definition: D): Counter<LabelsOf<D>> {
    return this.existing(definition) ?? new Counter(this.configOf(definition));
  }

  private gauge<D extends Definition>(definition: D): Gauge<LabelsOf<D>> {
    return this.existing(definition) ?? new Gauge(this.configOf(definition));
  }

  private histogram<D extends Definition>(definition: D): Histogram<LabelsOf<D>> {
    const buckets = 'buckets' in definition ? [...definition.buckets] : undefined;
    return this.existing(definition) ?? new Histogram({ ...this.configOf(definition), buckets });
  }

  private configOf<D extends Definition>(definition: D) {
    return {
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames as readonly LabelsOf<D>[],
      registers: [this.registry],
    };
  }

  private existing<M extends Metric<string>>(definition: Definition): M | undefined {
    return this.registry.getSingleMetric(definition.name) as M | undefined;
  }
}
