import { failureTraitsOf } from '@opal/platform-errors';
import { EventEmitter } from 'node:events';
import { RedisNodeLostError, RedisReplicaAcksError, replicaAcksBarrier } from './redis-replica-acks';

describe(replicaAcksBarrier.name, () => {
  const client = (acknowledged: number) => ({ wait: jest.fn(async () => acknowledged) });

  it('should need no barrier when no replica is required', () => {
    expect(replicaAcksBarrier(client(0), 0, 500)).toBeUndefined();
  });

  it('should WAIT for the required replicas within the timeout and pass when they acknowledged', async () => {
    const redis = client(2);
    await expect(replicaAcksBarrier(redis, 1, 500)?.()).resolves.toBeUndefined();
    expect(redis.wait).toHaveBeenCalledWith(1, 500);
  });

  it('should refuse, as a transient Redis failure, when fewer replicas acknowledged in time', async () => {
    const refusal = await replicaAcksBarrier(client(0), 1, 250)?.().catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(RedisReplicaAcksError);
    expect((refusal as Error).message).toBe('0 of 1 Redis replica(s) acknowledged the writes within 250 ms');
    expect(failureTraitsOf(refusal)).toMatchObject({ code: 'REDIS_REPLICA_ACKS_MISSING', retriable: true, dependency: 'redis' });
  });

  describe('on a Redis Cluster', () => {
    const cluster = (...acknowledged: number[]) => {
      const primaries = acknowledged.map(client);
      return Object.assign(new EventEmitter(), { isCluster: true as const, primaries, nodes: jest.fn(() => primaries) });
    };

    it('should WAIT on every primary and pass when each has its replicas', async () => {
      const redis = cluster(1, 2, 1);
      await expect(replicaAcksBarrier(redis, 1, 500)?.()).resolves.toBeUndefined();
      expect(redis.nodes).toHaveBeenCalledWith('master');
      for (const primary of redis.primaries) expect(primary.wait).toHaveBeenCalledWith(1, 500);
    });

    it('should refuse when any one primary lacks its replicas, with the fewest acknowledgements', async () => {
      const refusal = await replicaAcksBarrier(cluster(1, 0, 1), 1, 500)?.().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RedisReplicaAcksError);
      expect((refusal as RedisReplicaAcksError).acknowledged).toBe(0);
    });

    it('should refuse the first commit after a node left, once, even though the new primaries answer WAIT', async () => {
      const redis = cluster(1, 1, 1);
      const barrier = replicaAcksBarrier(redis, 1, 500);
      await expect(barrier?.()).resolves.toBeUndefined();

      redis.emit('-node');

      const refusal = await barrier?.().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RedisNodeLostError);
      expect(failureTraitsOf(refusal)).toMatchObject({ code: 'REDIS_NODE_LOST', retriable: true, dependency: 'redis' });
      await expect(barrier?.()).resolves.toBeUndefined();
    });

    it('should refuse while the client knows no primary', async () => {
      await expect(replicaAcksBarrier(cluster(), 1, 500)?.()).rejects.toBeInstanceOf(RedisReplicaAcksError);
    });
  });
});
