const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/;
const LABEL = /(\w+)="([^"]*)"/g;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of an app's `GET /metrics` (Prometheus text format). */
export async function scrapeMetrics(baseUrl: string): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return (await response.text()).split('\n').flatMap((line) => {
    const match = SAMPLE.exec(line.trim());
    if (!match || line.startsWith('#')) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, name, value]) => [name, value]));
    return [{ name: match[1] ?? '', labels, value: Number(match[3]) }];
  });
}

/** CPU seconds the process has used (user + system), from prom-client's default metrics. */
export function processCpuSeconds(samples: readonly Sample[]): number {
  const sample = samples.find((s) => s.name === 'process_cpu_seconds_total');
  if (!sample) throw new Error('no process_cpu_seconds_total in /metrics');
  return sample.value;
}

/**
 * What the worker says came of the records it consumed on `topics` (`opal_events_consumed_total`
 * by outcome): a drain only means something if they were `processed`, not dead-lettered or
 * skipped as duplicates.
 */
export function consumeOutcomes(
  samples: readonly Sample[],
  groupId: string,
  topics: readonly string[],
): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const { name, labels, value } of samples) {
    const outcome = labels['outcome'];
    if (
      name !== 'opal_events_consumed_total' ||
      labels['group'] !== groupId ||
      !topics.includes(labels['topic'] ?? '') ||
      !outcome
    )
      continue;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + value;
  }
  return outcomes;
}
