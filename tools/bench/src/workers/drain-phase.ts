import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import { topicOf } from '@opal/contracts';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { freePort } from '@opal/platform-runtime';
import { serveNodeProcess, type ServedProcess } from '../shared/node-process';
import { startBareConsumer } from './bare-consumer';
import { watchDrain, type DrainTarget, type DrainTiming } from './drain-watch';
import {
  assertGroupEmpty,
  commitGroupOffsets,
  committedOffsets,
  endOffsets,
  progressBetween,
  recordsBetween,
  type PartitionPosition,
} from './group-offsets';
import type { Teardown } from './interruptible';
import { elapsed } from './elapsed';
import { preloadEvents, type PreloadBatch } from './preload';
import { consumeOutcomes, processCpuSeconds, scrapeMetrics } from './prometheus-scrape';

export const TARGET_RATIO = 0.5;
/** A drain that takes longer than this is stuck (a paused consumer, a dead process), not slow. */
const DRAIN_TIMEOUT_MS = 150_000;
const READY_TIMEOUT_MS = 60_000;

export interface WorkerUnderTest {
  name: string;
  /** The built app. */
  entry: string;
  groupId: string;
  /** Every topic the worker's group subscribes to (its handlers), so none keeps a backlog in the way. */
  subscribedTopics: readonly string[];
}

export interface DrainPhaseContext {
  kafka: Kafka;
  admin: Admin;
  registry: SchemaRegistryClient;
  run: string;
  teardown: Teardown;
  signal: AbortSignal;
}

export interface DrainPhaseResult {
  worker: string;
  topics: string[];
  preloaded: number;
  /** Records drained (between start and end positions): the preloaded ones, plus any others wrote meanwhile. */
  events: number;
  seconds: number;
  rate: number;
  bareSeconds: number;
  bareRate: number;
  ratio: number;
  target: number;
  met: boolean;
  /** From the first committed-offset movement to drained: the rate once running, without the first fetch. */
  steadyRate: number;
  bareSteadyRate: number;
  workerStartupSeconds: number;
  /** Worker CPU (user + system) per record drained between its readiness and the end; null if it had drained by then. */
  workerCpuMsPerRecord: number | null;
  /** What the worker's /metrics says came of the records (`opal_events_consumed_total` by outcome). */
  outcomes: Record<string, number>;
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const perSecond = (events: number, ms: number) => (ms > 0 ? Math.round((events * 1000) / ms) : 0);

/**
 * Drain measurement for one worker (the header of workers.bench.ts defines it): preload, point
 * the worker's group and a fresh bare group at the same start positions, time the bare consumer,
 * then start the built worker and time it. Returns the worker still running (the caller stops it
 * or keeps it for the latency measurement; the teardown stops it in any case).
 */
export async function measureDrain(
  context: DrainPhaseContext,
  worker: WorkerUnderTest,
  batches: readonly PreloadBatch[],
): Promise<{ result: DrainPhaseResult; served: ServedProcess }> {
  const { admin } = context;
  const topics = [...new Set(batches.map((b) => topicOf(b.eventType)))];
  const preloaded = batches.reduce((sum, b) => sum + b.events.length, 0);

  await assertGroupEmpty(admin, worker.groupId, worker.name);
  const start = await endOffsets(admin, worker.subscribedTopics);

  console.log(
    `${elapsed()} ${worker.name}: preloading ${batches.map((b) => `${b.events.length} ${b.eventType}`).join(' + ')}…`,
  );
  const preloadStarted = performance.now();
  await preloadEvents(context.kafka, context.registry, batches);
  const end = await endOffsets(admin, topics);
  const startOfTopics = start.filter((p) => topics.includes(p.topic));
  const events = recordsBetween(startOfTopics, end);
  console.log(
    `  preloaded ${preloaded} records in ${seconds(performance.now() - preloadStarted)} s (${events} records between start and end offsets)`,
  );

  await assertGroupEmpty(admin, worker.groupId, worker.name);
  await commitGroupOffsets(context.kafka, worker.groupId, start);
  console.log(`${elapsed()} moved ${worker.groupId} to the start positions`);

  const bare = await timeBareConsumer(context, worker, topics, startOfTopics, end);
  console.log(
    `${elapsed()} bare kafkajs consumer: ${bare.events} records in ${seconds(bare.drainedAt - bare.joinedAt)} s → ${perSecond(bare.events, bare.drainedAt - bare.joinedAt)}/s`,
  );

  const { timing, served, startupMs, atReady } = await timeWorker(context, worker, topics, startOfTopics, end);
  const samples = await scrapeMetrics(served.baseUrl);
  const outcomes = consumeOutcomes(samples, worker.groupId, topics);
  const recordsAfterReady = timing.events - atReady.committed;
  const workerCpuMsPerRecord =
    recordsAfterReady > 0
      ? Math.round(((processCpuSeconds(samples) - atReady.cpuSeconds) * 1e6) / recordsAfterReady) / 1000
      : null;
  const rate = perSecond(timing.events, timing.drainedAt - timing.joinedAt);
  const bareRate = perSecond(bare.events, bare.drainedAt - bare.joinedAt);
  console.log(
    `${elapsed()} ${worker.name}: ${timing.events} records in ${seconds(timing.drainedAt - timing.joinedAt)} s → ${rate}/s ` +
      `(ready after ${seconds(startupMs)} s; ${workerCpuMsPerRecord ?? '?'} ms CPU per record; outcomes ${JSON.stringify(outcomes)})`,
  );
  if ((outcomes['processed'] ?? 0) < timing.events) {
    console.log(`  note: the worker reports fewer records processed than drained; the rate is not a processing rate`);
  }

  const ratio = bareRate > 0 ? Math.round((rate / bareRate) * 1000) / 1000 : 0;
  return {
    served,
    result: {
      worker: worker.name,
      topics,
      preloaded,
      events: timing.events,
      seconds: seconds(timing.drainedAt - timing.joinedAt),
      rate,
      bareSeconds: seconds(bare.drainedAt - bare.joinedAt),
      bareRate,
      ratio,
      target: TARGET_RATIO,
      met: ratio >= TARGET_RATIO,
      steadyRate: steadyRate(timing),
      bareSteadyRate: steadyRate(bare),
      workerStartupSeconds: seconds(startupMs),
      workerCpuMsPerRecord,
      outcomes,
    },
  };
}

const steadyRate = (timing: DrainTiming) =>
  perSecond(timing.events - timing.committedAtFirstCommit, timing.drainedAt - timing.firstCommitAt);

async function timeBareConsumer(
  context: DrainPhaseContext,
  worker: WorkerUnderTest,
  topics: string[],
  start: PartitionPosition[],
  end: PartitionPosition[],
): Promise<DrainTiming> {
  const { admin, kafka, teardown } = context;
  const groupId = `bench-workers-bare-${context.run}-${worker.name}`;
  teardown.add(`delete consumer group ${groupId}`, () => admin.deleteGroups([groupId]));
  await commitGroupOffsets(kafka, groupId, start);
  const target: DrainTarget = { label: 'bare kafkajs consumer', groupId, topics, start, end };
  const { timing, started } = await whileWatching(context, target, async () => {
    const consumer = await startBareConsumer(kafka, groupId, topics);
    teardown.add(`stop the bare consumer of ${groupId}`, () => consumer.stop());
    return consumer;
  });
  // Not awaited: leaving waits out the consumer's idle long poll; the teardown awaits it.
  void started.stop().catch(() => undefined);
  if (started.counted() < timing.events)
    throw new Error(`the bare consumer counted ${started.counted()} of ${timing.events} committed records`);
  return timing;
}

async function timeWorker(
  context: DrainPhaseContext,
  worker: WorkerUnderTest,
  topics: string[],
  start: PartitionPosition[],
  end: PartitionPosition[],
): Promise<{
  timing: DrainTiming;
  served: ServedProcess;
  startupMs: number;
  atReady: { cpuSeconds: number; committed: number };
}> {
  const target: DrainTarget = { label: worker.name, groupId: worker.groupId, topics, start, end };
  const spawnedAt = performance.now();
  let startupMs = 0;
  const { timing, started } = await whileWatching(context, target, async () => {
    const served = await serveNodeProcess(
      worker.name,
      [worker.entry],
      {},
      await freePort(),
      '/health/ready',
      READY_TIMEOUT_MS,
    );
    context.teardown.add(`stop ${worker.name}`, () => served.stop());
    startupMs = performance.now() - spawnedAt;
    // CPU and progress at readiness, so the CPU per record leaves the start-up out.
    const [samples, committed] = await Promise.all([
      scrapeMetrics(served.baseUrl),
      committedOffsets(context.admin, worker.groupId, topics),
    ]);
    return {
      served,
      atReady: { cpuSeconds: processCpuSeconds(samples), committed: progressBetween(committed, start, end) },
    };
  });
  return { timing, served: started.served, startupMs, atReady: started.atReady };
}

/** Starts the drain watch first (so the join is seen), then the consumer; if the start fails, the watch ends too. */
async function whileWatching<T>(
  context: DrainPhaseContext,
  target: DrainTarget,
  startConsumer: () => Promise<T>,
): Promise<{ timing: DrainTiming; started: T }> {
  const local = new AbortController();
  const signal = AbortSignal.any([context.signal, local.signal]);
  const watching = watchDrain(context.admin, target, signal, DRAIN_TIMEOUT_MS);
  // Handled here too, so a watch that fails while the consumer is still starting is not an unhandled rejection.
  void watching.catch(() => undefined);
  try {
    const started = await startConsumer();
    return { timing: await watching, started };
  } catch (error) {
    local.abort(error);
    await watching.catch(() => undefined);
    throw error;
  }
}
