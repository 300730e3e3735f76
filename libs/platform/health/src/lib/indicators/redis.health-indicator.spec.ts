import { RedisHealthIndicator, type RedisPingClient } from './redis.health-indicator';

const client = (status: string, ping: RedisPingClient['ping'] = jest.fn().mockResolvedValue('PONG')) => ({ status, ping });

describe(RedisHealthIndicator.name, () => {
  describe('check', () => {
    it('should report up when PING answers', async () => {
      const redis = client('ready');

      expect(await new RedisHealthIndicator(redis).check()).toEqual({ redis: { status: 'up' } });
      expect(redis.ping).toHaveBeenCalled();
    });

    it.each(['wait', 'connecting', 'connect'])('should give a %s client the deadline to connect and answer', async (status) => {
      const redis = client(status);

      expect(await new RedisHealthIndicator(redis).check()).toEqual({ redis: { status: 'up' } });
    });

    it.each(['close', 'reconnecting', 'end'])('should report a %s client down without queueing a ping', async (status) => {
      const redis = client(status);

      expect(await new RedisHealthIndicator(redis).check()).toEqual({
        redis: { status: 'down', message: `Redis connection is ${status}` },
      });
      expect(redis.ping).not.toHaveBeenCalled();
    });

    it('should report down when PING fails or hangs', async () => {
      const failing = client('ready', jest.fn().mockRejectedValue(new Error('NOAUTH Authentication required.')));
      const hanging = client('ready', jest.fn(() => new Promise<never>(() => undefined)));

      expect(await new RedisHealthIndicator(failing).check()).toEqual({
        redis: { status: 'down', message: 'NOAUTH Authentication required.' },
      });
      expect(await new RedisHealthIndicator(hanging, { key: 'cache', timeoutMs: 20 }).check()).toEqual({
        cache: { status: 'down', message: 'cache did not answer within 20 ms' },
      });
    });
  });
});
