import type { DrainPhaseResult } from './drain-phase';
import type { EndToEndResult } from './e2e-phase';

/** The definitions the numbers follow, written into the report so it can be read on its own. */
export const DEFINITIONS = {
  drainRate:
    'records between the start positions (end offsets before the preload) and the end offsets after it, divided by ' +
    'the seconds from the consumer group first seen Stable with a member (the join; process start-up excluded) to ' +
    'its committed offsets reaching the end offsets on every partition; both moments are polled from the broker ' +
    'every 20 ms, the same way for the worker and the bare consumer',
  steadyRate: 'the same from the first committed-offset movement to drained (records committed by then excluded)',
  bareConsumer:
    'plain kafkajs consumer in a fresh group at the same start positions, eachMessage only counting, default auto-commit',
  ratio: 'worker drain rate / bare consumer drain rate, same records, same run',
  endToEndLatency:
    "from the gateway's 202 arriving at the bench to the first check that finds the diagnostics worker's marker " +
    'opal:diagnostics:applied:<event_id>, written in the Lua step that applies the event; each outstanding event is ' +
    'checked (MGET) every max(5 ms, 5% of its age), so a latency is exact to that plus one Redis round trip',
  achievedRate: '202s per second from the first measured request sent to the last measured 202 received',
  processedRate: 'events seen processed per second from the first measured request sent to the last seen processed',
  cpu: 'process CPU seconds (prom-client process_cpu_seconds_total; the bench: process.cpuUsage) over a pass, per accepted event and per wall second',
  workerCpuMsPerRecord: "the worker's CPU from its readiness to drained, per record committed in that time",
  rateSustained:
    'achievedRate and processedRate both >= 95% of the offered rate; when not, a second pass (atReachableRate) offers 80% of the lower of the two',
} as const;

const cell = (value: string | number, width: number) => String(value).padStart(width);

export function printSummary(
  drains: readonly DrainPhaseResult[],
  e2e: EndToEndResult,
  stepDown: EndToEndResult | null,
): void {
  console.log('\ndrain: records / seconds from group join to all committed');
  console.log(
    `${'worker'.padEnd(24)}${cell('events', 8)}${cell('seconds', 9)}${cell('rate/s', 9)}${cell('bare s', 8)}${cell('bare/s', 9)}${cell('ratio', 8)}  target`,
  );
  for (const d of drains) {
    console.log(
      `${d.worker.padEnd(24)}${cell(d.events, 8)}${cell(d.seconds.toFixed(2), 9)}${cell(d.rate, 9)}${cell(d.bareSeconds.toFixed(2), 8)}` +
        `${cell(d.bareRate, 9)}${cell(d.ratio.toFixed(3), 8)}  >= ${d.target}: ${d.met ? 'met' : 'NOT met'}`,
    );
  }
  printEndToEnd(e2e);
  if (stepDown) printEndToEnd(stepDown);
}

function printEndToEnd(e2e: EndToEndResult): void {
  const l = e2e.latencyMs;
  const sustained = e2e.rateSustained ? 'sustained' : 'NOT sustained';
  console.log(
    `\nend-to-end: gateway 202 → diagnostics-worker applied, offered ${e2e.offeredRate}/s: 202s ${e2e.achievedRate}/s, processed ${e2e.processedRate}/s (${sustained})`,
  );
  console.log(
    `  accepted ${e2e.accepted}/${e2e.sent}, processed ${e2e.processed}, not processed within ${e2e.deadlineMs / 1000} s: ${e2e.notProcessed}${formatNotAccepted(e2e.notAccepted)}`,
  );
  console.log(
    `  p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms  max ${l.max} ms  (the 202 itself: p50 ${e2e.acceptLatencyMs.p50} ms, p99 ${e2e.acceptLatencyMs.p99} ms)`,
  );
  const cpu = (Object.entries(e2e.cpu) as Array<[string, { msPerEvent: number; cores: number }]>)
    .map(([name, used]) => `${name} ${used.msPerEvent} ms (${used.cores} cores)`)
    .join(', ');
  console.log(`  CPU per event: ${cpu}`);
  console.log(`  target p99 < ${e2e.targetP99Ms} ms at ${e2e.offeredRate}/s: ${e2e.met ? 'met' : 'NOT met'}`);
}

function formatNotAccepted(notAccepted: Record<string, number>): string {
  const entries = Object.entries(notAccepted);
  return entries.length === 0 ? '' : `, not accepted: ${entries.map(([status, n]) => `${status} ×${n}`).join(', ')}`;
}
