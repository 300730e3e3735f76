import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Kafka, type Admin } from 'kafkajs';
import { buildKafkaClientConfig } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { BENCH, benchRedis } from '../shared/bench-env';
import { machine, writeReport } from '../shared/bench-report';
import { benchWebhookSecret, serveBenchGateway } from '../shared/bench-gateway';
import {
  BENCH_ID_SPACE,
  agentCompletedEvent,
  benchIds,
  decisionGeneratedEvent,
  preferencesUpdatedEvent,
  type BenchIds,
} from './bench-events';
import { BenchRedisState, type RedisCleanupSummary } from './bench-redis-state';
import { measureDrain, type DrainPhaseContext, type DrainPhaseResult, type WorkerUnderTest } from './drain-phase';
import type { ServedProcess } from '../shared/node-process';
import { medianBy } from '../shared/repeats';
import { DRAIN_POLL_MS } from './drain-watch';
import { measureEndToEndPasses } from './e2e-passes';
import { elapsed } from './elapsed';
import { assertGroupEmpty, unconsumedRecords } from './group-offsets';
import { Teardown, interruptOnSignals } from './interruptible';
import { PROCESSED_POLL_MS } from './processed-watcher';
import { loadWorkersBenchConnections, loadWorkersBenchParameters, type WorkersBenchParameters } from './workers-env';
import { DEFINITIONS, printSummary } from './workers-report';
import { DIAGNOSTICS_WORKER, RECOMMENDATIONS_WORKER } from './workers-under-test';


/**
 * `npm run bench:workers`: how fast each built worker drains a preloaded backlog beside a bare
 * kafkajs consumer, and the end-to-end latency from the gateway's 202 to "processed".
 *
 * 1. Drain rate, per worker, while no other member is in its (fixed, shared) group: record the end
 *    offsets of every topic the group subscribes to (the start positions), preload N events
 *    (diagnostics: agent.completed; recommendations: decision.generated plus one
 *    user.preferences.updated per bench user), commit the start positions for the worker's group and
 *    for a fresh bare group, then run the bare consumer, then the worker. Rate = records between the
 *    start and end positions / seconds from the group's join (first seen Stable with a member) to
 *    its committed offsets reaching the end offsets, both polled from the broker every 20 ms.
 *    Process start-up and the join are excluded; fetch, decode, the apply-once script,
 *    handler and commits are included (the worker commits after processing, never before).
 *    Ratio = worker rate / bare rate. Also reported: the steady rate from the first commit and the
 *    worker's CPU per record.
 * 2. End-to-end latency: the built gateway (its own secret, rate limit lifted) and the diagnostics
 *    worker; distinct signed agent.completed deliveries at a steady open-loop rate, warm-up first;
 *    latency = first check that finds the worker's `applied:<event_id>` marker − the 202's arrival.
 *    When the rate is not sustained, a second pass measures at 80% of what was reached.
 *
 * 3. Each measurement runs `BENCH_REPEATS` (3) times, each drain on a fresh preload; the figures
 *    are the median run's (by ratio, by p99), and every run is kept in the report.
 *
 * Recommendations runs first: the diagnostics group (which subscribes to its topics too) is then
 * moved past those records, so no worker processes another's preload. Every id carries the run id;
 * the teardown stops every process and consumer, deletes the bare groups and the run's Redis keys.
 */
export async function benchWorkers(): Promise<number> {
  const parameters = loadWorkersBenchParameters();
  const connections = loadWorkersBenchConnections(process.env);
  const run = randomUUID().slice(0, 8);
  const began = performance.now();
  const [load1, load5, load15] = loadavg();
  const host = { ...machine(), loadAverageAtStart: { '1m': load1, '5m': load5, '15m': load15 } };
  const ids = benchIds(run);
  const interrupt = interruptOnSignals();
  const teardown = new Teardown();
  let cleanup: RedisCleanupSummary | undefined;
  let diagnosticsPreloaded = 0;

  console.log(
    `bench:workers: run ${run}, ${parameters.events} events per worker, end-to-end ${parameters.ratePerSecond}/s for ` +
      `${parameters.seconds} s after ${parameters.warmupSeconds} s warm-up, ${host.cpus} CPUs, load ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
  );
  try {
    const kafka = new Kafka(buildKafkaClientConfig(connections.kafka, `${BENCH}-workers-${run}`));
    const admin = kafka.admin();
    await admin.connect();
    teardown.add('disconnect the Kafka admin client', () => admin.disconnect());
    const redis = benchRedis(connections.redis);
    teardown.add('close the Redis connection', () => redis.quit());
    const state = new BenchRedisState(redis, run);
    teardown.add("delete the run's Redis keys", async () => {
      cleanup = await state.cleanup();
      console.log(
        `${elapsed()} cleanup: ${cleanup.keysDeleted} Redis keys and ${cleanup.setMembersRemoved} set members deleted, processed counters restored ${JSON.stringify(cleanup.processedCountersRestored)}`,
      );
    });

    const context: DrainPhaseContext = {
      kafka,
      admin,
      registry: new SchemaRegistryClient(connections.schemaRegistry),
      run,
      teardown,
      signal: interrupt.signal,
    };

    const backlogs = await preflight(admin, [RECOMMENDATIONS_WORKER, DIAGNOSTICS_WORKER]);
    let recommendationsPreloaded = 0;
    const recommendations = await repeatDrain(parameters.repeats, RECOMMENDATIONS_WORKER, async () => {
      // Each repetition has its own decision ids, so none is a duplicate of an earlier one.
      const preload = recommendationsPreload(run, ids, parameters.events, recommendationsPreloaded);
      recommendationsPreloaded += parameters.events;
      state.addRecommendationsEvents(
        [...preload.decisions, ...preload.preferences].map((e) => e.event_id),
        preload.decisions.map((e) => e.decision_id),
      );
      const drain = await measureDrain(context, RECOMMENDATIONS_WORKER, [
        { eventType: 'user.preferences.updated', events: preload.preferences },
        { eventType: 'decision.generated', events: preload.decisions },
      ]);
      await drain.served.stop();
      return drain.result;
    });

    // The last diagnostics worker keeps running for the end-to-end passes.
    let diagnosticsWorker: ServedProcess | undefined;
    const diagnostics = await repeatDrain(parameters.repeats, DIAGNOSTICS_WORKER, async () => {
      await diagnosticsWorker?.stop();
      // Each repetition has its own event ids (a fresh preload), so none is a duplicate of an earlier one.
      const offset = diagnosticsPreloaded;
      diagnosticsPreloaded += parameters.events;
      const agentEvents = Array.from({ length: parameters.events }, (_, i) => agentCompletedEvent(run, ids, offset + i));
      state.addAgentResults(agentEvents);
      const drain = await measureDrain(context, DIAGNOSTICS_WORKER, [{ eventType: 'agent.completed', events: agentEvents }]);
      diagnosticsWorker = drain.served;
      return drain.result;
    });
    if (!diagnosticsWorker) throw new Error('the diagnostics worker did not run');
    const workerBaseUrl = diagnosticsWorker.baseUrl;

    console.log(`${elapsed()} end-to-end: starting the gateway (the diagnostics worker keeps running)…`);
    const secret = benchWebhookSecret();
    const gateway = await serveBenchGateway(secret);
    teardown.add('stop ingest-gateway', () => gateway.stop());
    const e2eRuns: Array<Awaited<ReturnType<typeof measureEndToEndPasses>>> = [];
    for (let repeat = 1; repeat <= parameters.repeats; repeat += 1) {
      console.log(`${elapsed()} end-to-end run ${repeat}/${parameters.repeats}`);
      e2eRuns.push(
        await measureEndToEndPasses(
          admin,
          {
            gatewayBaseUrl: gateway.baseUrl,
            workerBaseUrl,
            groupId: DIAGNOSTICS_WORKER.groupId,
            repeat,
            redis,
            secret,
            run,
            ids,
            seconds: parameters.seconds,
            warmupSeconds: parameters.warmupSeconds,
            state,
            signal: interrupt.signal,
          },
          parameters.ratePerSecond,
        ),
      );
    }
    const { atOffered: e2e, atReachable: stepDown } = medianBy(e2eRuns, (r) => r.atOffered.latencyMs.p99 ?? Infinity);

    const drains = [diagnostics.median, recommendations.median];
    printSummary(drains, e2e, stepDown);
    await teardown.runAll();
    const report = {
      benchmark: 'workers',
      at: new Date().toISOString(),
      machine: host,
      definitions: DEFINITIONS,
      parameters: describeParameters(run, parameters),
      workers: Object.fromEntries(
        [diagnostics, recommendations].map(({ median, runs }) => [
          median.worker,
          { ...median, backlogSkipped: backlogs[median.worker] ?? 0, runs: runs.map(runFigures) },
        ]),
      ),
      e2e: {
        worker: DIAGNOSTICS_WORKER.name,
        ...e2e,
        atReachableRate: stepDown,
        runs: e2eRuns.map(({ atOffered }) => ({ p99: atOffered.latencyMs.p99, achievedRate: atOffered.achievedRate, processedRate: atOffered.processedRate })),
      },
      cleanup: cleanup ?? null,
    };
    console.log(
      `report: ${writeReport('workers', report)} (bench ran ${Math.round((performance.now() - began) / 1000)} s)`,
    );
    return 0;
  } catch (error) {
    // An interrupted wait rejects with a bare AbortError; say what interrupted it instead.
    throw interrupt.signal.aborted ? interrupt.signal.reason : error;
  } finally {
    await teardown.runAll();
    interrupt.dispose();
  }
}

/**
 * Runs one worker's drain measurement `repeats` times; the figure is the run with the median
 * ratio (its rate, bare rate and CPU are that run's, so they stay consistent with each other).
 */
async function repeatDrain(
  repeats: number,
  worker: WorkerUnderTest,
  measure: () => Promise<DrainPhaseResult>,
): Promise<{ median: DrainPhaseResult; runs: DrainPhaseResult[] }> {
  const runs: DrainPhaseResult[] = [];
  for (let repeat = 1; repeat <= repeats; repeat += 1) {
    console.log(`${elapsed()} ${worker.name}: drain run ${repeat}/${repeats}`);
    runs.push(await measure());
  }
  const median = medianBy(runs, (r) => r.ratio);
  console.log(`${elapsed()} ${worker.name}: ratios ${runs.map((r) => r.ratio).join(', ')} → median ${median.ratio} (${median.rate}/s)`);
  return { median, runs };
}

const runFigures = (r: DrainPhaseResult) => ({
  ratio: r.ratio,
  rate: r.rate,
  bareRate: r.bareRate,
  seconds: r.seconds,
  workerCpuMsPerRecord: r.workerCpuMsPerRecord,
});

/**
 * Before anything is written: every worker group must be empty (fail now, not after a preload),
 * and what each has not consumed yet is reported, since the bench moves the groups past it.
 */
async function preflight(admin: Admin, workers: readonly WorkerUnderTest[]): Promise<Record<string, number>> {
  const backlogs: Record<string, number> = {};
  for (const worker of workers) {
    await assertGroupEmpty(admin, worker.groupId, worker.name);
    backlogs[worker.name] = await unconsumedRecords(admin, worker.groupId, worker.subscribedTopics);
  }
  const skipped = workers.filter((w) => (backlogs[w.name] ?? 0) > 0);
  if (skipped.length > 0) {
    console.log(
      `note: ${skipped.map((w) => `${w.groupId} has ${backlogs[w.name]} unconsumed records`).join(', ')}; the bench moves the groups past them`,
    );
  }
  return backlogs;
}

/** One preferences update per bench user (about 1 in 50 records), the rest decisions for those users. */
function recommendationsPreload(run: string, ids: BenchIds, events: number, offset: number) {
  const preferencesCount = Math.min(BENCH_ID_SPACE.users, Math.floor(events / 50));
  return {
    preferences: Array.from({ length: preferencesCount }, (_, i) => preferencesUpdatedEvent(run, ids, offset + i)),
    decisions: Array.from({ length: events - preferencesCount }, (_, i) => decisionGeneratedEvent(run, ids, offset + i)),
  };
}

function describeParameters(run: string, parameters: WorkersBenchParameters) {
  return {
    run,
    eventsPerWorker: parameters.events,
    repeats: parameters.repeats,
    offeredRatePerSecond: parameters.ratePerSecond,
    measuredSeconds: parameters.seconds,
    warmupSeconds: parameters.warmupSeconds,
    drainPollMs: DRAIN_POLL_MS,
    processedPollMs: PROCESSED_POLL_MS,
    idempotency: 'the workers as built: each handler applies its event with one apply-once Redis script that also reports duplicates',
    figure: 'each drain and end-to-end measurement runs `repeats` times; reported is the run with the median ratio (drain) or p99 (end to end), every run under `runs`',
    workerLogLevel: 'warn',
  };
}
