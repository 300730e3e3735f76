import { signWebhook } from '@opal/contracts';
import { agentCompletedData, type BenchIds } from './bench-events';

export interface SignedDelivery {
  deliveryId: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The `sequence`-th signed `agent.completed` delivery of a run's `pass`: its own `webhook-id` (so
 * never a duplicate) and the run's workflow and agent ids (so the cleanup finds the state it creates).
 */
export function e2eDelivery(
  secret: string,
  run: string,
  ids: BenchIds,
  pass: number,
  sequence: number,
): SignedDelivery {
  const deliveryId = `bench-${run}-e2e${pass}-${sequence}`;
  const body = JSON.stringify({
    type: 'agent.completed',
    timestamp: new Date().toISOString(),
    data: agentCompletedData(ids, sequence),
  });
  return { deliveryId, headers: signWebhook({ secrets: secret, deliveryId, body }), body };
}
