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

/** A Redis Cluster node left the client's pool since the last commit: writes it acknowledged may not have reached the replica promoted in its place. */
export class RedisNodeLostError extends Error implements OpalErrorTraits {
  readonly code = 'REDIS_NODE_LOST';
  readonly retriable = true;
  readonly dependency = 'redis' as const;

  constructor() {
    super('a Redis Cluster node left since the last commit: the uncommitted records run again');
    this.name = new.target.name;
  }
}

/** What the barrier needs of an ioredis client: `WAIT` on the connection that made the writes. */
export interface ReplicaAckClient {
  wait(numreplicas: number, timeout: number): Promise<number>;
}

/** What it needs of an ioredis `Cluster`: its primaries' connections, and word when one leaves. */
export interface ReplicaAckCluster {
  readonly isCluster: true;
  nodes(role: 'master'): ReplicaAckClient[];
  on(event: '-node', listener: () => void): unknown;
}

const isCluster = (redis: ReplicaAckClient | ReplicaAckCluster): redis is ReplicaAckCluster =>
  (redis as Partial<ReplicaAckCluster>).isCluster === true;

/**
 * The worker's commit barrier (`OpalKafkaServerOptions.commitBarrier`): Redis `WAIT` on the
 * worker's one connection, which returns once `minReplicas` replicas hold every write that
 * connection made so far, so a failover cannot take back an effect whose offset is then committed.
 * Redis' replication stays asynchronous, so this narrows the window rather than closing it (a
 * replica that acknowledged may itself die); undefined when no replica is required.
 *
 * On a Cluster the writes went to several primaries, each over its own connection: `WAIT` runs on
 * every primary and the fewest acknowledgements count. A primary that died takes its connection
 * with it, and the one promoted in its place has seen no write from this client, so its `WAIT`
 * would pass at once: any node leaving the pool since the last commit refuses the next one
 * instead (`RedisNodeLostError`), and the records it held back run again on the new primary.
 */
export function replicaAcksBarrier(
  redis: ReplicaAckClient | ReplicaAckCluster,
  minReplicas: number,
  timeoutMs: number,
): (() => Promise<void>) | undefined {
  if (minReplicas === 0) return undefined;
  const confirm = (acknowledged: number) => {
    if (acknowledged < minReplicas) throw new RedisReplicaAcksError(acknowledged, minReplicas, timeoutMs);
  };
  if (!isCluster(redis)) return async () => confirm(await redis.wait(minReplicas, timeoutMs));
  let nodeLost = false;
  redis.on('-node', () => {
    nodeLost = true;
  });
  return async () => {
    if (nodeLost) {
      nodeLost = false;
      throw new RedisNodeLostError();
    }
    const primaries = redis.nodes('master');
    const acknowledged = await Promise.all(primaries.map((primary) => primary.wait(minReplicas, timeoutMs)));
    confirm(primaries.length === 0 ? 0 : Math.min(...acknowledged));
  };
}
