import { performance } from 'node:perf_hooks';
import { DIAGNOSTICS_KEY_PREFIX, diagnosticsKeys, redisKeyShardOf } from '@opal/contracts';
import type { Redis } from 'ioredis';
import type { BenchIds } from './bench-events';
import type { BenchRedisState } from './bench-redis-state';
import { WEBHOOK_PATH } from '../shared/bench-gateway';
import { e2eDelivery } from './e2e-deliveries';
import { summariseLatencies, type LatencySummary } from './latency-stats';
import { sendPaced } from './paced-sender';
import { ProcessedWatcher } from './processed-watcher';
import { processCpuSeconds, scrapeMetrics } from './prometheus-scrape';

export const TARGET_P99_MS = 100;
/** An accepted event not seen processed this long after its 202 counts as not processed. */
export const PROCESSED_DEADLINE_MS = 10_000;
/** The achieved rate must reach this share of the offered one for the run to count as "at" that rate. */
const SUSTAINED_SHARE = 0.95;
const PROGRESS_EVERY_MS = 1_000;
/** Where the diagnostics worker marks an agent result applied: in its workflow's shard. */
const DIAGNOSTICS_KEYS = diagnosticsKeys(DIAGNOSTICS_KEY_PREFIX);

export interface EndToEndInput {
  gatewayBaseUrl: string;
  workerBaseUrl: string;
  /** The diagnostics worker's "applied" marker of an event: written in the Lua step that applies it. */
  redis: Redis;
  secret: string;
  run: string;
  ids: BenchIds;
  /** Numbers the passes of one run, so their deliveries never share an id. */
  pass: number;
  ratePerSecond: number;
  seconds: number;
  warmupSeconds: number;
  state: BenchRedisState;
  signal: AbortSignal;
}

export interface EndToEndResult {
  offeredRate: number;
  /** 202s per second over the measured window. */
  achievedRate: number;
  /** Events seen processed per second, from the first measured request to the last seen processed. */
  processedRate: number;
  /** Both rates reached 95% of the offered one: the latencies were measured at that rate. */
  rateSustained: boolean;
  sent: number;
  accepted: number;
  processed: number;
  notProcessed: number;
  deadlineMs: number;
  /** 202 arrived at the bench → worker's applied marker seen. */
  latencyMs: LatencySummary;
  /** Request sent → 202 arrived (the gateway's share, queueing in the client included). */
  acceptLatencyMs: LatencySummary;
  /** Answers other than 202, by status; `error` for requests that got none. */
  notAccepted: Record<string, number>;
  /**
   * CPU (user + system) per accepted event, warm-up included, and the share of one core each
   * process used over the pass: what the rate costs on this machine.
   */
  cpu: Record<'gateway' | 'worker' | 'bench', { msPerEvent: number; cores: number }>;
  targetP99Ms: number;
  p99Met: boolean;
  met: boolean;
}

interface CpuSnapshot {
  at: number;
  seconds: Record<'gateway' | 'worker' | 'bench', number>;
}

async function cpuSnapshot(input: EndToEndInput): Promise<CpuSnapshot> {
  const [gateway, worker] = await Promise.all([
    scrapeMetrics(input.gatewayBaseUrl),
    scrapeMetrics(input.workerBaseUrl),
  ]);
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    seconds: {
      gateway: processCpuSeconds(gateway),
      worker: processCpuSeconds(worker),
      bench: (own.user + own.system) / 1e6,
    },
  };
}

function cpuPerEvent(before: CpuSnapshot, after: CpuSnapshot, events: number): EndToEndResult['cpu'] {
  const wallSeconds = (after.at - before.at) / 1000;
  const of = (name: keyof CpuSnapshot['seconds']) => {
    const used = after.seconds[name] - before.seconds[name];
    return {
      msPerEvent: events > 0 ? Math.round((used * 1e6) / events) / 1000 : 0,
      cores: Math.round((used / wallSeconds) * 100) / 100,
    };
  };
  return { gateway: of('gateway'), worker: of('worker'), bench: of('bench') };
}

function eventsPerSecond(count: number, from: number | undefined, to: number | undefined): number {
  return from !== undefined && to !== undefined && to > from ? Math.round((count * 1000) / (to - from)) : 0;
}

/** The event_id of a 202 body (`{event_id, topic, partition, offset, duplicate}`), if it has one. */
function acceptedEventId(body: string): string | undefined {
  try {
    const eventId = (JSON.parse(body) as { event_id?: unknown }).event_id;
    return typeof eventId === 'string' ? eventId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends distinct signed deliveries at a steady rate through the gateway, warm-up first (left out
 * of every number), and times each accepted event until the worker has applied it.
 */
export async function measureEndToEnd(input: EndToEndInput): Promise<EndToEndResult> {
  const warmup = input.ratePerSecond * input.warmupSeconds;
  const measured = input.ratePerSecond * input.seconds;
  const watcher = new ProcessedWatcher(input.redis, PROCESSED_DEADLINE_MS);
  const acceptLatencies: number[] = [];
  const notAccepted: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  let acceptedAll = 0;
  let accepted = 0;
  let measuredStartedAt: number | undefined;
  let lastAcceptedAt: number | undefined;

  /** Warm-up requests are sent, awaited and cleaned up like the others, but counted nowhere. */
  const counts = (sequence: number) => sequence >= warmup;
  const cpuBefore = await cpuSnapshot(input);
  watcher.start(input.signal);
  const progress = setInterval(() => {
    const phase = sent <= warmup ? 'warm-up' : 'measuring';
    console.log(
      `  e2e ${phase.padEnd(9)} sent ${sent}/${warmup + measured}, answered ${answered}, processed ${watcher.seen}, outstanding ${watcher.outstanding}`,
    );
  }, PROGRESS_EVERY_MS);

  try {
    await sendPaced({
      url: `${input.gatewayBaseUrl}${WEBHOOK_PATH}`,
      ratePerSecond: input.ratePerSecond,
      count: warmup + measured,
      signal: input.signal,
      nextRequest: (sequence) => {
        const delivery = e2eDelivery(input.secret, input.run, input.ids, input.pass, sequence);
        input.state.addDeliveries([delivery.deliveryId]);
        sent += 1;
        if (sequence === warmup) measuredStartedAt = performance.now();
        return delivery;
      },
      onAnswer: (sequence, status, body, sentAt, answeredAt) => {
        answered += 1;
        const eventId = status === 202 ? acceptedEventId(body) : undefined;
        if (eventId === undefined) {
          if (counts(sequence)) notAccepted[String(status)] = (notAccepted[String(status)] ?? 0) + 1;
          return;
        }
        const event = { event_id: eventId, workflow_id: input.ids.workflowId(sequence), agent_id: input.ids.agentId(sequence) };
        input.state.addAgentResults([event]);
        acceptedAll += 1;
        watcher.expect(DIAGNOSTICS_KEYS.applied(redisKeyShardOf(event.workflow_id), eventId), answeredAt, counts(sequence));
        if (!counts(sequence)) return;
        accepted += 1;
        acceptLatencies.push(answeredAt - sentAt);
        lastAcceptedAt = Math.max(lastAcceptedAt ?? answeredAt, answeredAt);
      },
      onError: (sequence) => {
        answered += 1;
        if (counts(sequence)) notAccepted['error'] = (notAccepted['error'] ?? 0) + 1;
      },
    });
    console.log(
      `  e2e: all ${sent} answered; waiting for the worker (at most ${PROCESSED_DEADLINE_MS / 1000} s per event)…`,
    );
    const { latenciesMs, notProcessed, lastProcessedAt } = await watcher.finish(input.signal);
    const cpu = cpuPerEvent(cpuBefore, await cpuSnapshot(input), acceptedAll);

    const achievedRate = eventsPerSecond(accepted, measuredStartedAt, lastAcceptedAt);
    const processedRate = eventsPerSecond(latenciesMs.length, measuredStartedAt, lastProcessedAt ?? undefined);
    const latencyMs = summariseLatencies(latenciesMs);
    const rateSustained = Math.min(achievedRate, processedRate) >= input.ratePerSecond * SUSTAINED_SHARE;
    const p99Met = latencyMs.p99 !== null && latencyMs.p99 < TARGET_P99_MS;
    return {
      offeredRate: input.ratePerSecond,
      achievedRate,
      processedRate,
      rateSustained,
      sent: measured,
      accepted,
      processed: latenciesMs.length,
      notProcessed,
      deadlineMs: PROCESSED_DEADLINE_MS,
      latencyMs,
      acceptLatencyMs: summariseLatencies(acceptLatencies),
      notAccepted,
      cpu,
      targetP99Ms: TARGET_P99_MS,
      p99Met,
      met: p99Met && rateSustained && notProcessed === 0 && accepted === measured,
    };
  } finally {
    clearInterval(progress);
    await watcher.stop();
  }
}
