import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadBenchRedisConfig } from '../shared/bench-env';
import { machine, positiveIntFromEnv, writeReport } from '../shared/bench-report';
import { GATEWAY_ENTRY, WEBHOOK_PATH, benchWebhookSecret, serveBenchGateway } from '../shared/bench-gateway';
import { runLoad } from '../shared/load-run';
import { medianBy } from '../shared/repeats';
import type { ServedProcess } from '../shared/node-process';
import { deleteDeliveryRecords, withCpuPerRequest } from './gateway-runs';
import { HandedOutDeliveries, signedDeliveries } from './signed-deliveries';

interface Side {
  requestsPerSecond: number;
  cpuMsPerRequest: number | null;
  non2xx: number;
}

interface Pair {
  baseline: Side;
  current: Side;
  /** current / baseline */
  rateRatio: number;
  cpuRatio: number | null;
}

const median = (values: readonly number[]): number => medianBy(values, (value) => value);
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * `npm run bench:gateway:compare`: the built gateway against a baseline build of it
 * (`BENCH_BASELINE_GATEWAY`, the `main.js` of another commit's build, e.g. in a git worktree),
 * both served at once and loaded in turn: `BENCH_PAIRS` (8) pairs of `BENCH_PAIR_SECONDS` (6)
 * open-loop runs, the order alternating. On a shared machine whose speed drifts by tens of percent
 * within minutes, the two runs of a pair see nearly the same machine; the median of the pairs'
 * ratios (current/baseline: requests/s, CPU per request) says whether a change helped where
 * whole bench runs minutes apart cannot.
 */
export async function compareGateways(): Promise<number> {
  const baselineEntry = process.env['BENCH_BASELINE_GATEWAY'];
  if (!baselineEntry || !existsSync(baselineEntry)) {
    console.error(
      'bench:gateway:compare: set BENCH_BASELINE_GATEWAY to a built baseline gateway, e.g.\n' +
        `  git worktree add /tmp/baseline <commit> && (cd /tmp/baseline && ln -s ${path.resolve('node_modules')} . && npx nx run ingest-gateway:build)\n` +
        '  BENCH_BASELINE_GATEWAY=/tmp/baseline/dist/apps/ingest-gateway/main.js npm run bench:gateway:compare',
    );
    return 2;
  }
  const pairs = positiveIntFromEnv('BENCH_PAIRS', 8);
  const seconds = positiveIntFromEnv('BENCH_PAIR_SECONDS', 6);
  const connections = positiveIntFromEnv('BENCH_CONNECTIONS', 32);
  const secret = benchWebhookSecret();
  const sent = new HandedOutDeliveries();
  const served: ServedProcess[] = [];
  try {
    console.log(`bench:gateway:compare: ${pairs} pairs of ${seconds} s open-loop runs, ${connections} connections, ${machine().cpus} CPUs`);
    console.log(`  baseline ${path.resolve(baselineEntry)}\n  current  ${path.resolve(GATEWAY_ENTRY)}`);
    const baseline = await serveBenchGateway(secret, baselineEntry, 'baseline gateway');
    served.push(baseline);
    const current = await serveBenchGateway(secret, GATEWAY_ENTRY, 'current gateway');
    served.push(current);

    const measure = async (gateway: ServedProcess, durationSeconds: number): Promise<Side> => {
      const { run, cpuMsPerRequest } = await withCpuPerRequest(gateway, () =>
        runLoad({ label: '', url: gateway.baseUrl, path: WEBHOOK_PATH, connections, durationSeconds, nextRequest: signedDeliveries(secret, sent) }),
      );
      return { requestsPerSecond: run.requestsPerSecond, cpuMsPerRequest, non2xx: run.non2xx };
    };
    console.log('warming up both (3 s each)…');
    await measure(baseline, 3);
    await measure(current, 3);

    const results: Pair[] = [];
    for (let pair = 1; pair <= pairs; pair += 1) {
      const first = pair % 2 === 1 ? baseline : current;
      const firstSide = await measure(first, seconds);
      const secondSide = await measure(first === baseline ? current : baseline, seconds);
      const [baselineSide, currentSide] = first === baseline ? [firstSide, secondSide] : [secondSide, firstSide];
      const rateRatio = round3(currentSide.requestsPerSecond / baselineSide.requestsPerSecond);
      const cpuRatio =
        currentSide.cpuMsPerRequest === null || baselineSide.cpuMsPerRequest === null ? null : round3(currentSide.cpuMsPerRequest / baselineSide.cpuMsPerRequest);
      results.push({ baseline: baselineSide, current: currentSide, rateRatio, cpuRatio });
      console.log(
        `  pair ${pair}/${pairs}: baseline ${baselineSide.requestsPerSecond} req/s ${baselineSide.cpuMsPerRequest ?? '?'} ms/req, ` +
          `current ${currentSide.requestsPerSecond} req/s ${currentSide.cpuMsPerRequest ?? '?'} ms/req → rate ×${rateRatio}, CPU ×${cpuRatio ?? '?'}`,
      );
    }
    const rateRatio = round3(median(results.map((pair) => pair.rateRatio)));
    const cpuRatios = results.flatMap((pair) => (pair.cpuRatio === null ? [] : [pair.cpuRatio]));
    const cpuRatio = cpuRatios.length > 0 ? round3(median(cpuRatios)) : null;
    const currentFaster = results.filter((pair) => pair.rateRatio > 1).length;
    console.log(`median current/baseline: requests/s ×${rateRatio}, CPU per request ×${cpuRatio ?? '?'}; current faster in ${currentFaster} of ${pairs} pairs`);
    const non2xx = results.reduce((sum, pair) => sum + pair.baseline.non2xx + pair.current.non2xx, 0);
    const file = writeReport('gateway-compare', {
      benchmark: 'gateway-compare',
      machine: machine(),
      baseline: path.resolve(baselineEntry),
      parameters: { pairs, seconds, connections },
      rateRatio,
      cpuRatio,
      currentFasterPairs: currentFaster,
      non2xx,
      pairs: results,
    });
    console.log(`report: ${file}`);
    return non2xx === 0 ? 0 : 1;
  } finally {
    for (const child of served.reverse()) await child.stop();
    await deleteDeliveryRecords(loadBenchRedisConfig(process.env), sent);
  }
}
