import { RedisHealthIndicator, type RedisPingClient } from './redis.health-indicator';

const client = (status: string, ping: RedisPingClient['ping'] = jest.fn().mockResolvedValue('PONG')) => ({
  status,
  ping,
});

describe(RedisHealthIndicator.name, () => {
  describe('check', () => {
    it('should report up when PING answers', async () => {
      const redis = client('ready');

      expect(await new RedisHealthIndicator(redis).check()).toEqual({ redis: { status: 'up' } });
      expect(redis.ping).toHaveBeenCalled();
    });

    it('should name the Sentinel topology and the primary it reached, which a failover changes', async () => {
      const redis = {
        ...client('ready'),
        options: { sentinels: [{ host: '127.0.0.1', port: 26390 }] },
        stream: { remoteAddress: '127.0.0.1', remotePort: 6390 },
      };
      const indicator = new RedisHealthIndicator(redis);

      expect(await indicator.check()).toEqual({ redis: { status: 'up', topology: 'sentinel', primary: '127.0.0.1:6390' } });
      redis.stream = { remoteAddress: '127.0.0.1', remotePort: 6391 };
      expect(await indicator.check()).toEqual({ redis: { status: 'up', topology: 'sentinel', primary: '127.0.0.1:6391' } });
    });

    it('should PING every primary of a Cluster and name them, down when one does not answer', async () => {
      const primary = (port: number, ping = jest.fn().mockResolvedValue('PONG')) => ({ options: { host: '127.0.0.1', port }, ping });
      const primaries = [primary(6401), primary(6400), primary(6405)];
      const redis = { ...client('ready'), isCluster: true, nodes: jest.fn(() => primaries) };
      const indicator = new RedisHealthIndicator(redis);

      expect(await indicator.check()).toEqual({
        redis: { status: 'up', topology: 'cluster', primaries: ['127.0.0.1:6400', '127.0.0.1:6401', '127.0.0.1:6405'] },
      });
      expect(redis.nodes).toHaveBeenCalledWith('master');
      for (const { ping } of primaries) expect(ping).toHaveBeenCalled();

      primaries[1] = primary(6400, jest.fn().mockRejectedValue(new Error('CLUSTERDOWN The cluster is down')));
      expect(await indicator.check()).toEqual({ redis: { status: 'down', message: 'CLUSTERDOWN The cluster is down' } });
      redis.nodes.mockReturnValue([]);
      expect(await indicator.check()).toEqual({ redis: { status: 'down', message: 'the Redis Cluster client knows no primary' } });
    });

    it.each(['wait', 'connecting', 'connect'])(
      'should give a %s client the deadline to connect and answer',
      async (status) => {
        const redis = client(status);

        expect(await new RedisHealthIndicator(redis).check()).toEqual({ redis: { status: 'up' } });
      },
    );

    it.each(['close', 'reconnecting', 'end'])(
      'should report a %s client down without queueing a ping',
      async (status) => {
        const redis = client(status);

        expect(await new RedisHealthIndicator(redis).check()).toEqual({
          redis: { status: 'down', message: `Redis connection is ${status}` },
        });
        expect(redis.ping).not.toHaveBeenCalled();
      },
    );

    it('should report down when PING fails or hangs', async () => {
      const failing = client('ready', jest.fn().mockRejectedValue(new Error('NOAUTH Authentication required.')));
      const hanging = client(
        'ready',
        jest.fn(() => new Promise<never>(() => undefined)),
      );

      expect(await new RedisHealthIndicator(failing).check()).toEqual({
        redis: { status: 'down', message: 'Redis requires a password: set REDIS_USERNAME and REDIS_PASSWORD' },
      });
      expect(await new RedisHealthIndicator(hanging, { key: 'cache', timeoutMs: 20 }).check()).toEqual({
        cache: { status: 'down', message: 'cache did not answer within 20 ms' },
      });
    });

    it("should name why the connection failed, from the client's last error event, while it reconnects", async () => {
      const listeners: Array<(error: Error) => void> = [];
      const redis = {
        ...client('reconnecting'),
        options: { tls: {}, username: 'diagnostics-worker' },
        on: (_event: 'error', listener: (error: Error) => void) => listeners.push(listener),
      };
      const indicator = new RedisHealthIndicator(redis);

      for (const listener of listeners)
        listener(new Error('WRONGPASS invalid username-password pair or user is disabled.'));

      expect(await indicator.check()).toEqual({
        redis: {
          status: 'down',
          message:
            'Redis connection is reconnecting: Redis refused the credentials of user "diagnostics-worker": check REDIS_USERNAME and REDIS_PASSWORD',
        },
      });
    });

    it('should keep an unexplained connection error as it is, over the failed commands reported after it', async () => {
      let emit: (error: Error) => void = () => undefined;
      const redis = {
        ...client('reconnecting'),
        on: (_event: 'error', listener: (error: Error) => void) => (emit = listener),
      };
      const indicator = new RedisHealthIndicator(redis);

      emit(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
      emit(
        Object.assign(new Error('Reached the max retries per request limit (which is 0).'), {
          name: 'MaxRetriesPerRequestError',
        }),
      );

      expect(await indicator.check()).toEqual({
        redis: { status: 'down', message: 'Redis connection is reconnecting: connect ECONNREFUSED 127.0.0.1:6379' },
      });
    });

    describe('while the client is still opening its connection', () => {
      const { EventEmitter } = jest.requireActual<typeof import('node:events')>('node:events');
      const opening = () =>
        Object.assign(new EventEmitter(), {
          status: 'connecting',
          options: { tls: {}, username: 'ingest-gateway' },
          ping: jest.fn().mockResolvedValue('PONG'),
        });

      it('should wait for ready and then ping', async () => {
        const redis = opening();
        const checked = new RedisHealthIndicator(redis).check();
        await new Promise((resolve) => setImmediate(resolve));

        redis.status = 'ready';
        redis.emit('ready');

        expect(await checked).toEqual({ redis: { status: 'up' } });
        expect(redis.ping).toHaveBeenCalled();
      });

      it('should report the reason the connection attempt failed, not a command refused for want of a connection', async () => {
        const redis = opening();
        const checked = new RedisHealthIndicator(redis).check();
        await new Promise((resolve) => setImmediate(resolve));

        redis.emit('error', new Error('WRONGPASS invalid username-password pair or user is disabled.'));

        expect(await checked).toEqual({
          redis: {
            status: 'down',
            message: 'Redis refused the credentials of user "ingest-gateway": check REDIS_USERNAME and REDIS_PASSWORD',
          },
        });
        expect(redis.ping).not.toHaveBeenCalled();
        expect(redis.listenerCount('ready')).toBe(0);
      });
    });
  });
});
