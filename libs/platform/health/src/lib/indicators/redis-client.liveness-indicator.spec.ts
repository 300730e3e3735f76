import { RedisClientLivenessIndicator } from './redis-client.liveness-indicator';

describe(RedisClientLivenessIndicator.name, () => {
  it.each(['ready', 'connecting', 'reconnecting', 'close', 'wait'])('should stay up while the client is %s: an outage is not a reason to restart', async (status) => {
    expect(await new RedisClientLivenessIndicator({ status }).check()).toEqual({ redis_client: { status: 'up' } });
  });

  it('should go down once the client has ended, saying a restart is needed', async () => {
    expect(await new RedisClientLivenessIndicator({ status: 'end' }).check()).toEqual({
      redis_client: { status: 'down', message: 'the Redis client has ended and no longer reconnects: a restart is needed' },
    });
  });
});
