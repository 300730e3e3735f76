import { randomUUID } from 'node:crypto';
import { signWebhook } from '@opal/contracts';

const deliveryIdOf = (run: string, sequence: number) => `bench_${run}_${sequence}`;

/**
 * Every delivery id the supplies it is given to have handed out, so the bench can delete the
 * gateway's ledger record of each afterwards (one per request, kept for IDEMPOTENCY_TTL_SECONDS).
 */
export class HandedOutDeliveries {
  private readonly lastSequenceOfRun = new Map<string, number>();

  note(run: string, sequence: number): void {
    this.lastSequenceOfRun.set(run, sequence);
  }

  get count(): number {
    let count = 0;
    for (const last of this.lastSequenceOfRun.values()) count += last;
    return count;
  }

  *ids(): Generator<string> {
    for (const [run, last] of this.lastSequenceOfRun) {
      for (let sequence = 1; sequence <= last; sequence += 1) yield deliveryIdOf(run, sequence);
    }
  }
}

/**
 * An endless supply of distinct, correctly signed `agent.completed` deliveries: every request has
 * its own `webhook-id` (so none is a duplicate) and its own workflow id (so keys spread over partitions).
 */
export function signedDeliveries(secret: string, handedOut?: HandedOutDeliveries) {
  const run = randomUUID().slice(0, 8);
  let sequence = 0;
  return () => {
    sequence += 1;
    handedOut?.note(run, sequence);
    const deliveryId = deliveryIdOf(run, sequence);
    const body = JSON.stringify({
      type: 'agent.completed',
      timestamp: new Date().toISOString(),
      data: {
        workflow_id: `wf-bench-${run}-${sequence % 997}`,
        // The run id keeps a bench's agents out of the statistics of real ones.
        agent_id: `agent-bench-${run}-${sequence % 7}`,
        offset: sequence % 12,
        execution_status: 'success',
        processing_time_ms: 100 + (sequence % 400),
        agent_data: { recommendations: ['tighten budget', 'reuse cached plan'], confidence_score: 0.87 },
      },
    });
    return { headers: { ...signWebhook({ secrets: secret, deliveryId, body }) }, body };
  };
}

export const BENCH_TOPIC = 'opal.agent.completed';
