import { EventEmitter } from 'node:events';
import { Cluster, ReplyError, type Redis } from 'ioredis';
import { IdempotencyStoreUnavailableError } from './idempotency.errors';
import { CLAIM_SCRIPT, COMPLETE_SCRIPT, COUNT_SCRIPT, QUOTA_CLAIM_SCRIPT, RELEASE_SCRIPT, SCRIPT_COMMANDS } from './idempotency.scripts';
import { IdempotencyStore } from './idempotency.store';
import { TEST_RECORD_LIFETIMES } from './testing/record-lifetimes';

/**
 * Just enough of ioredis: `defineCommand`, the script commands as mocks, events and a status; with
 * `cluster`, an `instanceof Cluster` (what `isRedisCluster` asks) with the same mocks.
 */
function fakeRedis(status = 'ready', { cluster = false } = {}) {
  const commands = {
    [SCRIPT_COMMANDS.claim]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.complete]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.release]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.quotaClaim]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.count]: jest.fn<Promise<unknown>, unknown[]>(),
  };
  const defineCommand = jest.fn();
  const connect = jest.fn(async () => undefined);
  const emitter = cluster ? Object.setPrototypeOf(new EventEmitter(), Cluster.prototype) : new EventEmitter();
  const client = Object.assign(emitter, { status, defineCommand, connect, ...commands }) as unknown as Redis;
  return { client, defineCommand, connect, ...commands };
}

const fakeCluster = (status = 'ready') => fakeRedis(status, { cluster: true });

const KEY = 'opal:idempotency:webhook:msg_1';
const QUOTA = { key: 'opal:ratelimit:webhook:acme:1795679400', limit: 2, ttlMs: 2_000 };

describe(IdempotencyStore.name, () => {
  describe('constructor', () => {
    it('should define its five scripts, the quota-gated claim with two keys', () => {
      const redis = fakeRedis();
      new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);

      expect(redis.defineCommand.mock.calls).toEqual([
        [SCRIPT_COMMANDS.claim, { numberOfKeys: 1, lua: CLAIM_SCRIPT }],
        [SCRIPT_COMMANDS.complete, { numberOfKeys: 1, lua: COMPLETE_SCRIPT }],
        [SCRIPT_COMMANDS.release, { numberOfKeys: 1, lua: RELEASE_SCRIPT }],
        [SCRIPT_COMMANDS.quotaClaim, { numberOfKeys: 2, lua: QUOTA_CLAIM_SCRIPT }],
        [SCRIPT_COMMANDS.count, { numberOfKeys: 1, lua: COUNT_SCRIPT }],
      ]);
    });

    it('should define the same scripts on a Cluster client', () => {
      const redis = fakeRedis();
      const cluster = fakeCluster();
      new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);
      new IdempotencyStore(cluster.client, TEST_RECORD_LIFETIMES);

      expect(cluster.client).toBeInstanceOf(Cluster);
      expect(cluster.defineCommand.mock.calls).toEqual(redis.defineCommand.mock.calls);
    });

    it.each([{ ttlSeconds: 0 }, { leaseMs: 1.5 }, { timeoutMs: -1 }])('should reject %j', (options) => {
      expect(() => new IdempotencyStore(fakeRedis().client, { ...TEST_RECORD_LIFETIMES, ...options })).toThrow(RangeError);
    });
  });

  describe('claim', () => {
    it('should send key, fingerprint, a token and the lease, and return that token when claimed', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);
      const store = new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, leaseMs: 5_000 });

      const claim = await store.claim('webhook', 'msg_1', { fingerprint: 'f1' });

      const [key, fingerprint, token, leaseMs] = redis.opalIdempotencyClaim.mock.calls[0] ?? [];
      expect([key, fingerprint, leaseMs]).toEqual([KEY, 'f1', 5_000]);
      expect(claim).toEqual({ state: 'claimed', token });
      expect(token).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('should use the per-call lease and the empty fingerprint by default', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);
      await new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claim('webhook', 'msg_1', { leaseMs: 200 });

      expect(redis.opalIdempotencyClaim).toHaveBeenCalledWith(KEY, '', expect.any(String), 200);
    });

    it.each([
      [['in-flight', 1], { state: 'in-flight', sameFingerprint: true }],
      [['in-flight', 0], { state: 'in-flight', sameFingerprint: false }],
      [['done', 1, '{"offset":"7"}'], { state: 'done', sameFingerprint: true, result: { offset: '7' } }],
      [['done', 0, 'null'], { state: 'done', sameFingerprint: false, result: null }],
    ])('should parse the reply %j', async (reply, expected) => {
      const redis = fakeRedis();
      redis.opalIdempotencyClaim.mockResolvedValue(reply);

      expect(await new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claim('webhook', 'msg_1')).toEqual(expected);
    });

    it.each([[['surprise']], [['done', 1, '{not json']], ['OK']])(
      'should treat the reply %j as the store failing',
      async (reply) => {
        const redis = fakeRedis();
        redis.opalIdempotencyClaim.mockResolvedValue(reply);

        await expect(new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claim('webhook', 'msg_1')).rejects.toMatchObject({
          code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
          operation: 'claim',
          reason: 'reply',
        });
      },
    );

    it.each([
      [new Error('connect ECONNREFUSED 127.0.0.1:6390'), 'connection'],
      [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'connection'],
      [new Error('Command timed out'), 'timeout'],
      [new ReplyError('OOM command not allowed when used memory > maxmemory'), 'reply'],
    ])('should wrap %s in IdempotencyStoreUnavailableError (%s)', async (cause, reason) => {
      const redis = fakeRedis();
      redis.opalIdempotencyClaim.mockRejectedValue(cause);

      const error = await new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claim('webhook', 'msg_1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(IdempotencyStoreUnavailableError);
      expect(error).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim', reason, cause });
    });

    it('should give up after timeoutMs when Redis never answers', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyClaim.mockReturnValue(new Promise(() => undefined));
      const started = Date.now();

      const error = await new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, timeoutMs: 30 })
        .claim('webhook', 'msg_1')
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('should wait for a connecting client to be ready, with one listener for all calls', async () => {
      const redis = fakeRedis('connecting');
      redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);
      const store = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);

      const claims = Promise.all([store.claim('webhook', 'a'), store.claim('webhook', 'b')]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
      expect(redis.client.listenerCount('ready')).toBe(1);
      Object.assign(redis.client, { status: 'ready' }).emit('ready');

      expect((await claims).map((claim) => claim.state)).toEqual(['claimed', 'claimed']);
      expect(redis.client.listenerCount('ready')).toBe(0);
      expect(redis.connect).not.toHaveBeenCalled();
    });

    it('should connect a lazy client and fail with its connection error', async () => {
      const redis = fakeRedis('wait');
      const store = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);

      const claim = store.claim('webhook', 'a').catch((e: unknown) => e);
      await new Promise((resolve) => setImmediate(resolve));
      redis.client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:1'));

      expect(await claim).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', reason: 'connection' });
      expect(redis.connect).toHaveBeenCalledTimes(1);
      expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
    });

    it('should not wait for a client between reconnect attempts', async () => {
      const redis = fakeRedis('reconnecting');
      redis.opalIdempotencyClaim.mockRejectedValue(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      );

      await expect(new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claim('webhook', 'a')).rejects.toMatchObject({
        reason: 'connection',
      });
    });

    it('should report every outcome to onCheck, errors included, and survive a throwing hook', async () => {
      const redis = fakeRedis();
      const onCheck = jest.fn(() => {
        throw new Error('metrics down');
      });
      const store = new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, onCheck });
      redis.opalIdempotencyClaim
        .mockResolvedValueOnce(['claimed'])
        .mockResolvedValueOnce(['done', 1, '1'])
        .mockResolvedValueOnce(['in-flight', 1])
        .mockResolvedValueOnce(['done', 0, '1'])
        .mockRejectedValueOnce(new Error('connection lost'));

      for (let i = 0; i < 4; i++) await store.claim('opal-diagnostics', 'e');
      await store.claim('opal-diagnostics', 'e').catch(() => undefined);

      expect(onCheck.mock.calls).toEqual([
        ['opal-diagnostics', 'claimed'],
        ['opal-diagnostics', 'duplicate'],
        ['opal-diagnostics', 'in_flight'],
        ['opal-diagnostics', 'mismatch'],
        ['opal-diagnostics', 'error'],
      ]);
    });

    it('should reject a bad scope or lease without calling Redis', async () => {
      const redis = fakeRedis();
      const store = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);

      await expect(store.claim('web:hook', 'k')).rejects.toBeInstanceOf(TypeError);
      await expect(store.claim('webhook', 'k', { leaseMs: 0 })).rejects.toBeInstanceOf(RangeError);
      expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
    });
  });

  describe('claimWithinQuota', () => {
    describe('on a single node (or Sentinel): one script over the record and the window', () => {
      it('should send both keys, the claim arguments and the quota in one call, and return the token when claimed', async () => {
        const redis = fakeRedis();
        redis.opalIdempotencyQuotaClaim.mockResolvedValue(['claimed']);
        const store = new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, leaseMs: 5_000 });

        const claim = await store.claimWithinQuota('webhook', 'msg_1', QUOTA, { fingerprint: 'f1' });

        const [key, quotaKey, fingerprint, token, leaseMs, limit, ttlMs] = redis.opalIdempotencyQuotaClaim.mock.calls[0] ?? [];
        expect([key, quotaKey, fingerprint, leaseMs, limit, ttlMs]).toEqual([KEY, QUOTA.key, 'f1', 5_000, 2, 2_000]);
        expect(claim).toEqual({ state: 'claimed', token });
        expect(redis.opalIdempotencyQuotaClaim).toHaveBeenCalledTimes(1);
        expect(redis.opalIdempotencyCount).not.toHaveBeenCalled();
        expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
      });

      it('should answer over-quota with the count, reporting no check', async () => {
        const redis = fakeRedis();
        const onCheck = jest.fn();
        redis.opalIdempotencyQuotaClaim.mockResolvedValue(['over-quota', 3]);

        await expect(
          new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, onCheck }).claimWithinQuota('webhook', 'msg_1', QUOTA),
        ).resolves.toEqual({ state: 'over-quota', count: 3 });
        expect(onCheck).not.toHaveBeenCalled();
      });
    });

    describe('on a Cluster: the count, then the plain claim only within the limit', () => {
      it('should count the window, then claim the record, and return the token when claimed', async () => {
        const redis = fakeCluster();
        const onCheck = jest.fn();
        redis.opalIdempotencyCount.mockResolvedValue(2);
        redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);
        const store = new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, leaseMs: 5_000, onCheck });

        const claim = await store.claimWithinQuota('webhook', 'msg_1', QUOTA, { fingerprint: 'f1' });

        expect(redis.opalIdempotencyCount.mock.calls).toEqual([[QUOTA.key, 2_000]]);
        const [key, fingerprint, token, leaseMs] = redis.opalIdempotencyClaim.mock.calls[0] ?? [];
        expect([key, fingerprint, leaseMs]).toEqual([KEY, 'f1', 5_000]);
        expect(claim).toEqual({ state: 'claimed', token });
        expect(redis.opalIdempotencyCount.mock.invocationCallOrder[0]).toBeLessThan(redis.opalIdempotencyClaim.mock.invocationCallOrder[0] as number);
        expect(redis.opalIdempotencyQuotaClaim).not.toHaveBeenCalled();
        expect(onCheck.mock.calls).toEqual([['webhook', 'claimed']]);
      });

      it('should claim only once the count has answered', async () => {
        const redis = fakeCluster();
        let answerCount: (count: number) => void = () => undefined;
        redis.opalIdempotencyCount.mockReturnValue(new Promise((resolve) => (answerCount = resolve)));
        redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);

        const claim = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claimWithinQuota('webhook', 'msg_1', QUOTA);
        await new Promise((resolve) => setImmediate(resolve));
        expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
        answerCount(1);

        expect((await claim).state).toBe('claimed');
      });

      it('should answer over-quota with the count without claiming, reporting no check', async () => {
        const redis = fakeCluster();
        const onCheck = jest.fn();
        redis.opalIdempotencyCount.mockResolvedValue(3);

        await expect(
          new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, onCheck }).claimWithinQuota('webhook', 'msg_1', QUOTA),
        ).resolves.toEqual({ state: 'over-quota', count: 3 });
        expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
        expect(onCheck).not.toHaveBeenCalled();
      });

      it.each([
        [['in-flight', 1], { state: 'in-flight', sameFingerprint: true }],
        [['done', 0, '{"offset":"7"}'], { state: 'done', sameFingerprint: false, result: { offset: '7' } }],
      ])('should parse the claim reply %j as the one-script path does', async (reply, expected) => {
        const [single, cluster] = [fakeRedis(), fakeCluster()];
        single.opalIdempotencyQuotaClaim.mockResolvedValue(reply);
        cluster.opalIdempotencyCount.mockResolvedValue(1);
        cluster.opalIdempotencyClaim.mockResolvedValue(reply);

        const claims = await Promise.all(
          [single, cluster].map(({ client }) => new IdempotencyStore(client, TEST_RECORD_LIFETIMES).claimWithinQuota('webhook', 'msg_1', QUOTA)),
        );

        expect(claims).toEqual([expected, expected]);
      });

      it.each([
        ['an unexpected count reply', () => Promise.resolve('OK'), 'reply'],
        ['a failing count', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6400')), 'connection'],
      ])('should treat %s as the claim failing, reported as an error check', async (_, count, reason) => {
        const redis = fakeCluster();
        const onCheck = jest.fn();
        redis.opalIdempotencyCount.mockImplementation(count);

        await expect(
          new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, onCheck }).claimWithinQuota('webhook', 'msg_1', QUOTA),
        ).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim', reason });
        expect(redis.opalIdempotencyClaim).not.toHaveBeenCalled();
        expect(onCheck.mock.calls).toEqual([['webhook', 'error']]);
      });

      it('should bound the count and the claim together by timeoutMs', async () => {
        const redis = fakeCluster();
        redis.opalIdempotencyCount.mockImplementation(() => new Promise((resolve) => setTimeout(() => resolve(1), 20)));
        redis.opalIdempotencyClaim.mockReturnValue(new Promise(() => undefined));
        const started = Date.now();

        const error = await new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, timeoutMs: 50 })
          .claimWithinQuota('webhook', 'msg_1', QUOTA)
          .catch((e: unknown) => e);

        expect(error).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim', reason: 'timeout' });
        expect(Date.now() - started).toBeLessThan(1_000);
      });

      it('should wait for a connecting Cluster client to be ready', async () => {
        const redis = fakeCluster('connecting');
        redis.opalIdempotencyCount.mockResolvedValue(1);
        redis.opalIdempotencyClaim.mockResolvedValue(['claimed']);

        const claim = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claimWithinQuota('webhook', 'msg_1', QUOTA);
        await new Promise((resolve) => setImmediate(resolve));
        expect(redis.opalIdempotencyCount).not.toHaveBeenCalled();
        Object.assign(redis.client, { status: 'ready' }).emit('ready');

        expect((await claim).state).toBe('claimed');
      });
    });

    it.each([{ limit: 0 }, { ttlMs: 1.5 }])('should reject the quota %j without calling Redis', async (quota) => {
      for (const redis of [fakeRedis(), fakeCluster()]) {
        await expect(
          new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).claimWithinQuota('webhook', 'msg_1', { ...QUOTA, ...quota }),
        ).rejects.toBeInstanceOf(RangeError);
        expect(redis.opalIdempotencyQuotaClaim).not.toHaveBeenCalled();
        expect(redis.opalIdempotencyCount).not.toHaveBeenCalled();
      }
    });
  });

  describe('countQuota', () => {
    it('should count one hit in the window and return the count', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyCount.mockResolvedValue(4);

      await expect(new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).countQuota(QUOTA)).resolves.toBe(4);
      expect(redis.opalIdempotencyCount.mock.calls).toEqual([[QUOTA.key, 2_000]]);
    });

    it('should treat an unexpected reply as the store failing', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyCount.mockResolvedValue(['4']);

      await expect(new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).countQuota(QUOTA)).rejects.toMatchObject({
        code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
        operation: 'count',
        reason: 'reply',
      });
    });
  });

  describe('complete', () => {
    it('should send the token, the JSON result and the default TTL', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyComplete.mockResolvedValue(1);

      expect(await new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).complete('webhook', 'msg_1', 'tok', { offset: '3' })).toBe(true);
      expect(redis.opalIdempotencyComplete).toHaveBeenCalledWith(KEY, 'tok', '{"offset":"3"}', 86_400);
    });

    it('should store undefined as null with the given TTL, and return false when the lease was lost', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyComplete.mockResolvedValue(0);

      expect(
        await new IdempotencyStore(redis.client, { ...TEST_RECORD_LIFETIMES, ttlSeconds: 600 }).complete(
          'webhook',
          'msg_1',
          'tok',
          undefined,
          60,
        ),
      ).toBe(false);
      expect(redis.opalIdempotencyComplete).toHaveBeenCalledWith(KEY, 'tok', 'null', 60);
    });

    it('should wrap a Redis failure', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyComplete.mockRejectedValue(new Error('Connection is closed.'));

      await expect(new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES).complete('webhook', 'msg_1', 'tok', 1)).rejects.toMatchObject({
        code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
        operation: 'complete',
        reason: 'connection',
      });
    });
  });

  describe('release', () => {
    it('should send the token and report whether it owned the claim', async () => {
      const redis = fakeRedis();
      redis.opalIdempotencyRelease.mockResolvedValueOnce(1).mockResolvedValueOnce(0);
      const store = new IdempotencyStore(redis.client, TEST_RECORD_LIFETIMES);

      expect(await store.release('webhook', 'msg_1', 'tok')).toBe(true);
      expect(await store.release('webhook', 'msg_1', 'tok')).toBe(false);
      expect(redis.opalIdempotencyRelease).toHaveBeenCalledWith(KEY, 'tok');
    });
  });
});
