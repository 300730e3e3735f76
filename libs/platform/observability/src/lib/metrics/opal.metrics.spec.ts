import { Registry } from 'prom-client';
import { OPAL_METRICS } from './opal-metrics.catalogue';
import { OpalMetrics } from './opal.metrics';
import { collectProcessMetrics, NON_COUNTER_TOTALS } from './process-metrics';

describe(OpalMetrics.name, () => {
  let registry: Registry;
  let metrics: OpalMetrics;

  beforeEach(() => {
    registry = new Registry();
    metrics = new OpalMetrics(registry);
  });

  describe('constructor', () => {
    it.each(Object.values(OPAL_METRICS).map((m) => [m.name, m] as const))(
      'should declare %s with its HELP and TYPE',
      async (name, definition) => {
        const text = await registry.metrics();

        expect(text).toContain(`# HELP ${name} ${definition.help}`);
        expect(text).toContain(`# TYPE ${name} ${definition.type}`);
      },
    );

    it('should declare exactly the contract labels', async () => {
      const labels = (await registry.getMetricsAsJSON()).map((m) => [m.name, (registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames]);

      expect(Object.fromEntries(labels)).toEqual({
        opal_events_produced_total: ['topic', 'result'],
        opal_produce_duration_seconds: ['topic'],
        opal_events_consumed_total: ['topic', 'group', 'outcome'],
        opal_event_processing_duration_seconds: ['topic', 'group'],
        opal_consumer_lag: ['topic', 'partition', 'group'],
        opal_idempotency_checks_total: ['scope', 'result'],
        opal_webhook_requests_total: ['status'],
        opal_rate_limit_checks_total: ['result'],
        opal_circuit_breaker_state: ['name'],
      });
    });

    it('should reuse the metrics already in the registry', async () => {
      const second = new OpalMetrics(registry);
      metrics.recordWebhookRequest(202);
      second.recordWebhookRequest(202);

      expect(await registry.metrics()).toContain('opal_webhook_requests_total{status="202"} 2');
    });
  });

  describe('recordProduced', () => {
    it('should count by topic and result and observe the duration in the 1 ms–2 s buckets', async () => {
      metrics.recordProduced('opal.workflow.started', 'success', 0.004);
      metrics.recordProduced('opal.workflow.started', 'failure', 1.5);
      const text = await registry.metrics();

      expect(text).toContain('opal_events_produced_total{topic="opal.workflow.started",result="success"} 1');
      expect(text).toContain('opal_events_produced_total{topic="opal.workflow.started",result="failure"} 1');
      expect(text).toContain('opal_produce_duration_seconds_bucket{le="0.001",topic="opal.workflow.started"} 0');
      expect(text).toContain('opal_produce_duration_seconds_bucket{le="0.005",topic="opal.workflow.started"} 1');
      expect(text).toContain('opal_produce_duration_seconds_bucket{le="2",topic="opal.workflow.started"} 2');
      expect(text).toContain('opal_produce_duration_seconds_count{topic="opal.workflow.started"} 2');
    });
  });

  describe('recordConsumed', () => {
    it('should count every outcome and observe the processing time only when given', async () => {
      metrics.recordConsumed('opal.agent.completed', 'opal-diagnostics', 'processed', 0.02);
      metrics.recordConsumed('opal.agent.completed', 'opal-diagnostics', 'duplicate');
      metrics.recordConsumed('opal.agent.completed', 'opal-diagnostics', 'dead_lettered', 0.5);
      const text = await registry.metrics();

      expect(text).toContain('opal_events_consumed_total{topic="opal.agent.completed",group="opal-diagnostics",outcome="processed"} 1');
      expect(text).toContain('opal_events_consumed_total{topic="opal.agent.completed",group="opal-diagnostics",outcome="duplicate"} 1');
      expect(text).toContain('opal_event_processing_duration_seconds_count{topic="opal.agent.completed",group="opal-diagnostics"} 2');
    });
  });

  describe('gauges and counters', () => {
    it('should set lag per partition, count checks, rate-limit checks and webhook statuses', async () => {
      metrics.setConsumerLag('opal.agent.completed', 2, 'opal-diagnostics', 17);
      metrics.recordIdempotencyCheck('http', 'claimed');
      metrics.recordWebhookRequest(401);
      metrics.recordRateLimitCheck('unavailable');
      const text = await registry.metrics();

      expect(text).toContain('opal_consumer_lag{topic="opal.agent.completed",partition="2",group="opal-diagnostics"} 17');
      expect(text).toContain('opal_idempotency_checks_total{scope="http",result="claimed"} 1');
      expect(text).toContain('opal_webhook_requests_total{status="401"} 1');
      expect(text).toContain('opal_rate_limit_checks_total{result="unavailable"} 1');
    });

    it.each([
      ['closed', 0],
      ['half-open', 1],
      ['open', 2],
    ] as const)('should report a %s circuit breaker as %d', async (state, value) => {
      metrics.setCircuitBreakerState('redis', state);

      expect(await registry.metrics()).toContain(`opal_circuit_breaker_state{name="redis"} ${value}`);
    });
  });
});

describe(collectProcessMetrics.name, () => {
  it('should register Node process metrics once, without the gauges named like counters', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry);
    collectProcessMetrics(registry);
    const text = await registry.metrics();

    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(text).toContain('# TYPE nodejs_active_handles gauge');
    for (const name of NON_COUNTER_TOTALS) expect(text).not.toContain(`# TYPE ${name} `);
  });
});
