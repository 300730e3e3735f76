import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's gauges that end in `_total` (Prometheus reserves the suffix for counters, and
 * `promtool check metrics` rejects them). Each duplicates the sum of its labelled sibling,
 * e.g. `sum(nodejs_active_handles)`.
 */
export const NON_COUNTER_TOTALS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

const PROBE_METRIC = 'process_cpu_user_seconds_total';

/** Registers Node's process metrics once per registry (a second app in the same process reuses them). */
export function collectProcessMetrics(registry: Registry): void {
  if (registry.getSingleMetric(PROBE_METRIC)) return;
  collectDefaultMetrics({ register: registry });
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
}
