import { OPAL_METRICS } from '@opal/platform-observability';
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface KnownMetric {
  name: string;
  type: string;
  labelNames: readonly string[];
}

/** Labels Prometheus adds to every scraped series (target labels of tools/observability/prometheus.yml included). */
export const TARGET_LABELS = ['instance', 'job', 'app'] as const;

/** The `opal_*` metrics of the contract plus Node's process metrics, exactly as the apps register them. */
export function knownMetrics(): Map<string, KnownMetric> {
  const known = new Map<string, KnownMetric>();
  for (const metric of Object.values(OPAL_METRICS)) known.set(metric.name, metric);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of registry.getMetricsAsArray()) {
    const labelNames = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    known.set(metric.name, { name: metric.name, type: String(metric.type), labelNames });
  }
  return known;
}

const SERIES_NAME = /\b(?:opal|process|nodejs)_[a-z0-9_]+\b/g;
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

export interface MetricReference {
  /** The metric as registered (a histogram's `_bucket`, `_sum` and `_count` map to it). */
  metric: string;
  /** As written in the expression. */
  series: string;
}

/** The metrics a PromQL expression reads, by prefix (`opal_`, `process_`, `nodejs_`). */
export function metricReferences(expr: string, known: Map<string, KnownMetric>): MetricReference[] {
  return [...new Set(expr.match(SERIES_NAME) ?? [])].map((series) => {
    const base = series.replace(HISTOGRAM_SERIES, '');
    const metric = base !== series && known.get(base)?.type === 'histogram' ? base : series;
    return { metric, series };
  });
}

/** Label names an expression groups by (`by (...)`, `without (...)`) or matches on (`{label=...}`). */
export function labelReferences(expr: string): string[] {
  const grouped = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((match) => match[1].split(','));
  const matched = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((match) =>
    [...match[1].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((pair) => pair[1]),
  );
  return [...new Set([...grouped, ...matched].map((label) => label.trim()).filter(Boolean))];
}

/**
 * What is wrong with an expression: metrics the apps do not export, and labels none of its metrics
 * carry (`le` counts for histograms). Empty when it only reads what exists.
 */
export function expressionProblems(expr: string, known: Map<string, KnownMetric>): string[] {
  const references = metricReferences(expr, known);
  const problems = references
    .filter(({ metric }) => !known.has(metric))
    .map(({ series }) => `unknown metric ${series}`);
  const labels = new Set<string>(TARGET_LABELS);
  for (const { metric, series } of references) {
    for (const label of known.get(metric)?.labelNames ?? []) labels.add(label);
    if (series.endsWith('_bucket')) labels.add('le');
  }
  const unknownLabels = labelReferences(expr).filter((label) => !labels.has(label));
  return [
    ...problems,
    ...unknownLabels.map((label) => `label ${label} is on none of ${references.map((r) => r.series).join(', ')}`),
  ];
}
