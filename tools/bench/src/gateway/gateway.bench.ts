import { Kafka } from 'kafkajs';
import { buildKafkaClientConfig } from '@opal/platform-kafka';
import { freePort } from '@opal/platform-runtime';
import { BENCH, loadBenchKafkaConfig, loadBenchRedisConfig } from '../shared/bench-env';
import { machine, positiveIntFromEnv, writeReport } from '../shared/bench-report';
import { benchRepeats, medianBy } from '../shared/repeats';
import { printLoad, runLoad, type LoadSummary } from '../shared/load-run';
import { WEBHOOK_PATH, benchWebhookSecret, serveBenchGateway } from '../shared/bench-gateway';
import { serveNodeProcess, type ServedProcess } from '../shared/node-process';
import { deleteDeliveryRecords, withCpuPerRequest } from './gateway-runs';
import { BENCH_TOPIC, HandedOutDeliveries, signedDeliveries } from './signed-deliveries';

const TARGET_RATIO = 0.3;
/** The fixed-rate run offers this share of the bare endpoint's open-loop rate. */
const OFFERED_SHARE = 0.25;
const TARGET_P99_MS = 50;

interface GatewayRepeat {
  bare: LoadSummary;
  gateway: LoadSummary;
  atOffered: LoadSummary;
  offeredRate: number;
  ratio: number;
  /** CPU (user + system) per answered request during the open-loop runs; null without /proc. */
  cpuMsPerRequest: { gateway: number | null; bare: number | null };
}

async function topicEndOffset(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * `npm run bench:gateway`: the gateway against a bare NestJS+Fastify endpoint that only parses
 * JSON, on the same machine in the same run. Both get distinct, correctly signed deliveries:
 * 1. each open loop (as fast as it answers) → requests/s and the ratio;
 * 2. the gateway at a fixed offered rate of a quarter of the bare endpoint's → p99 at that load;
 * 3. Kafka's end offsets before/after → every 2xx is a record acknowledged with acks=all.
 * Steps 1–2 run `BENCH_REPEATS` (3) times; the figures are the medians (ratio, p99), every run kept.
 * The gateway is started from its build with this run's own secret and no rate limit in the way.
 */
export async function benchGateway(): Promise<number> {
  const durationSeconds = positiveIntFromEnv('BENCH_DURATION_SECONDS', 10);
  const connections = positiveIntFromEnv('BENCH_CONNECTIONS', 32);
  const secret = benchWebhookSecret();
  const kafka = new Kafka(buildKafkaClientConfig(loadBenchKafkaConfig(process.env), `${BENCH}-gateway`));
  const redisConfig = loadBenchRedisConfig(process.env);
  const served: ServedProcess[] = [];
  const sentToGateway = new HandedOutDeliveries();

  try {
    console.log(`bench:gateway: ${durationSeconds} s per run, ${connections} connections, ${machine().cpus} CPUs`);
    const bare = await serveNodeProcess('bare endpoint', [process.argv[1] ?? '', 'bare-server'], {}, await freePort(), '/health/live');
    served.push(bare);
    const gateway = await serveBenchGateway(secret);
    served.push(gateway);

    const load = (label: string, url: string, seconds: number, overallRate?: number) =>
      runLoad({
        label,
        url,
        path: WEBHOOK_PATH,
        connections,
        durationSeconds: seconds,
        overallRate,
        nextRequest: signedDeliveries(secret, url === gateway.baseUrl ? sentToGateway : undefined),
      });

    const offsetBefore = await topicEndOffset(kafka, BENCH_TOPIC);
    console.log('warming up both endpoints (3 s each)…');
    const warmups = [await load('bare warm-up', bare.baseUrl, 3), await load('gateway warm-up', gateway.baseUrl, 3)];

    const repeats: GatewayRepeat[] = [];
    for (let repeat = 1; repeat <= benchRepeats(); repeat += 1) {
      console.log(`measuring (run ${repeat}/${benchRepeats()}):`);
      const { run: bareRun, cpuMsPerRequest: bareCpu } = await withCpuPerRequest(bare, () =>
        load('bare endpoint, open loop', bare.baseUrl, durationSeconds),
      );
      printLoad(bareRun);
      const { run: gatewayRun, cpuMsPerRequest: gatewayCpu } = await withCpuPerRequest(gateway, () =>
        load('gateway, open loop', gateway.baseUrl, durationSeconds),
      );
      printLoad(gatewayRun);
      console.log(`  CPU per request: gateway ${gatewayCpu ?? '?'} ms, bare ${bareCpu ?? '?'} ms`);
      const offeredRate = Math.max(1, Math.round(bareRun.requestsPerSecond * OFFERED_SHARE));
      const atOffered = await load(`gateway at ${offeredRate}/s`, gateway.baseUrl, durationSeconds, offeredRate);
      printLoad(atOffered);
      const ratio = Number((gatewayRun.requestsPerSecond / bareRun.requestsPerSecond).toFixed(3));
      repeats.push({ bare: bareRun, gateway: gatewayRun, atOffered, offeredRate, ratio, cpuMsPerRequest: { gateway: gatewayCpu, bare: bareCpu } });
    }
    const { bare: bareRun, gateway: gatewayRun, ratio } = medianBy(repeats, (r) => r.ratio);
    const { cpuMsPerRequest } = medianBy(repeats, (r) => r.cpuMsPerRequest.gateway ?? 0);
    const { atOffered: gatewayAtTarget, offeredRate: targetRate } = medianBy(repeats, (r) => r.atOffered.latencyMs.p99);

    const gatewayRuns: LoadSummary[] = [warmups[1] as LoadSummary, ...repeats.flatMap((r) => [r.gateway, r.atOffered])];
    const accepted = gatewayRuns.reduce((sum, run) => sum + run.responses2xx, 0);
    const appended = (await topicEndOffset(kafka, BENCH_TOPIC)) - offsetBefore;
    const sustained = gatewayAtTarget.requestsPerSecond >= targetRate * 0.95 && gatewayAtTarget.non2xx === 0;

    const report = {
      benchmark: 'gateway',
      at: new Date().toISOString(),
      machine: machine(),
      settings: { durationSeconds, connections, topic: BENCH_TOPIC, repeats: repeats.length, offeredShareOfBare: OFFERED_SHARE },
      ratio,
      rate: gatewayRun.requestsPerSecond,
      bareRate: bareRun.requestsPerSecond,
      p99: gatewayAtTarget.latencyMs.p99,
      cpuMsPerRequest,
      bare: bareRun,
      gateway: gatewayRun,
      gatewayAtQuarterBareRate: gatewayAtTarget,
      runs: repeats.map((r) => ({
        ratio: r.ratio,
        rate: r.gateway.requestsPerSecond,
        bareRate: r.bare.requestsPerSecond,
        offeredRate: r.offeredRate,
        p99: r.atOffered.latencyMs.p99,
        cpuMsPerRequest: r.cpuMsPerRequest,
      })),
      kafka: { acceptedResponses: accepted, recordsAppended: appended, everyAcceptedEventInKafka: appended >= accepted },
      targets: {
        ratioAtLeast: TARGET_RATIO,
        p99UnderMs: TARGET_P99_MS,
        ratioMet: ratio >= TARGET_RATIO,
        sustainedQuarterBareRate: sustained,
        p99Met: gatewayAtTarget.latencyMs.p99 <= TARGET_P99_MS,
      },
    };
    const file = writeReport('gateway', report);
    console.log(`\nratios ${repeats.map((r) => r.ratio).join(', ')}; p99s ${repeats.map((r) => r.atOffered.latencyMs.p99).join(', ')} ms`);
    console.log(`ratio gateway/bare (median): ${ratio} (target >= ${TARGET_RATIO}: ${report.targets.ratioMet ? 'met' : 'NOT met'})`);
    console.log(`p99 at ${targetRate}/s: ${gatewayAtTarget.latencyMs.p99} ms (target < ${TARGET_P99_MS} ms: ${report.targets.p99Met ? 'met' : 'NOT met'}; sustained: ${sustained})`);
    console.log(`CPU per request (median run): gateway ${cpuMsPerRequest.gateway ?? '?'} ms, bare endpoint ${cpuMsPerRequest.bare ?? '?'} ms`);
    console.log(`Kafka: ${appended} records appended to ${BENCH_TOPIC} for ${accepted} accepted responses`);
    console.log(`report: ${file}`);
    return report.kafka.everyAcceptedEventInKafka ? 0 : 1;
  } finally {
    for (const child of served.reverse()) await child.stop();
    await deleteDeliveryRecords(redisConfig, sentToGateway);
  }
}
