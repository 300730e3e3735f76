import type { OpalErrorTraits } from '@opal/platform-errors';

/** Fewer replicas than required hold the writes made so far: their effects could vanish in a failover. */
export class RedisReplicaAcksError extends Error implements OpalErrorTraits {
  readonly code = 'REDIS_REPLICA_ACKS_MISSING';
  readonly retriable = true;
  readonly dependency = 'redis' as const;

  constructor(
    readonly acknowledged: number,
    readonly required: number,
    readonly timeoutMs: number,
  ) {
    super(`${acknowledged} of ${required} Redis replica(s) acknowledged the writes within ${timeoutMs} ms`);
    this.name = new.target.name;
  }
}

/** What the barrier needs of an ioredis client: `WAIT` on the connection that made the writes. */
export interface ReplicaAckClient {
  wait(numreplicas: number, timeout: number): Promise<number>;
}

/**
 * The worker's commit barrier (`OpalKafkaServerOptions.commitBarrier`): Redis `WAIT` on the
 * worker's one connection, which returns once `minReplicas` replicas hold every write that
 * connection made so far, so a failover cannot take back an effect whose offset is then committed.
 * Redis' replication stays asynchronous, so this narrows the window rather than closing it (a
 * replica that acknowledged may itself die); undefined when no replica is required.
 */
export function replicaAcksBarrier(redis: ReplicaAckClient, minReplicas: number, timeoutMs: number): (() => Promise<void>) | undefined {
  if (minReplicas === 0) return undefined;
  return async () => {
    const acknowledged = await redis.wait(minReplicas, timeoutMs);
    if (acknowledged < minReplicas) throw new RedisReplicaAcksError(acknowledged, minReplicas, timeoutMs);
  };
}
