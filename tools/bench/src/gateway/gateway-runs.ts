import { WEBHOOK_IDEMPOTENCY_SCOPE } from '@opal/contracts';
import type { RedisConnectionConfig } from '@opal/platform-config';
import { idempotencyKey } from '@opal/platform-idempotency';
import { benchRedis, unlinkKeys } from '../shared/bench-env';
import type { LoadSummary } from '../shared/load-run';
import type { ServedProcess } from '../shared/node-process';
import type { HandedOutDeliveries } from './signed-deliveries';

/**
 * Runs `measure` and the CPU `served` spent per answered request meanwhile (from `/proc`); null
 * when the process's CPU time cannot be read or nothing was answered.
 */
export async function withCpuPerRequest(
  served: ServedProcess,
  measure: () => Promise<LoadSummary>,
): Promise<{ run: LoadSummary; cpuMsPerRequest: number | null }> {
  const before = served.cpuSeconds();
  const run = await measure();
  const after = served.cpuSeconds();
  const answered = run.responses2xx + run.non2xx;
  const cpuMsPerRequest =
    before === undefined || after === undefined || answered === 0 ? null : Math.round(((after - before) * 1e6) / answered) / 1000;
  return { run, cpuMsPerRequest };
}

/**
 * Leaves Redis as the run found it: deletes the gateway's ledger record of every delivery the run
 * sent (one per request, kept for IDEMPOTENCY_TTL_SECONDS), which would otherwise pile up run after
 * run. A failure is reported, not thrown: the measurements stand.
 */
export async function deleteDeliveryRecords(config: RedisConnectionConfig, deliveries: HandedOutDeliveries): Promise<void> {
  if (deliveries.count === 0) return;
  const redis = benchRedis(config);
  try {
    const deleted = await unlinkKeys(redis, Array.from(deliveries.ids(), (id) => idempotencyKey(WEBHOOK_IDEMPOTENCY_SCOPE, id)));
    console.log(`cleanup: ${deleted} delivery records deleted from Redis (${deliveries.count} deliveries sent to the gateway)`);
  } catch (error) {
    console.error(`bench: could not delete the run's delivery records: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
