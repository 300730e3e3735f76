import { EventEmitter } from 'node:events';
import { ReplyError, type Redis } from 'ioredis';
import { IdempotencyStoreUnavailableError } from './idempotency.errors';
import { CLAIM_SCRIPT, COMPLETE_SCRIPT, COUNT_SCRIPT, QUOTA_CLAIM_SCRIPT, RELEASE_SCRIPT, SCRIPT_COMMANDS } from './idempotency.scripts';
import { IdempotencyStore } from './idempotency.store';
import { TEST_RECORD_LIFETIMES } from './testing/record-lifetimes';

/** Just enough of ioredis: `defineCommand`, the three script commands as mocks, events and a status. */
function fakeRedis(status = 'ready') {
  const commands = {
    [SCRIPT_COMMANDS.claim]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.complete]: jest.fn<Promise<unknown>, unknown[]>(),
    [SCRIPT_COMMANDS.release]: jest.fn<Promise<unknown>, unknown[]>(),
  };
  const defineCommand = jest.fn();
  const connect = jest.fn(async () => undefined);
  const client = Object.assign(new EventEmitter(), { status, defineCommand, connect, ...commands }) as unknown as Redis;
  return { client, defineCommand, connect, ...commands };
}

const KEY = 'opal:idempotency:webhook:msg_1';

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
