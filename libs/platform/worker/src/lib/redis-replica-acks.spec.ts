import { failureTraitsOf } from '@opal/platform-errors';
import { RedisReplicaAcksError, replicaAcksBarrier } from './redis-replica-acks';

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
});
