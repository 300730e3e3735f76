import { Redis } from 'ioredis';
import {
  IdempotencyStore,
  createIdempotencyRedisClient,
  idempotencyKey,
  idempotencyRedisOptions,
  type IdempotencyCheckResult,
  type RedisClient,
} from '../src';
import { describeIdempotencyStoreContract } from './support/idempotency-store.contract';
import { asClusterClient, deleteScope, redisConnection, uniqueScope } from './support/redis-stack';
import { TEST_RECORD_LIFETIMES } from '../src/lib/testing/record-lifetimes';

describe(`${IdempotencyStore.name} (real Redis)`, () => {
  const scope = uniqueScope('store');
  const checks: Array<[string, IdempotencyCheckResult]> = [];
  const redis = new Redis(idempotencyRedisOptions(redisConnection));
  const store = new IdempotencyStore(redis, { ...TEST_RECORD_LIFETIMES, onCheck: (s, result) => checks.push([s, result]) });
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('error', reject);
    });
  });

  afterAll(async () => {
    await deleteScope(redis, scope);
    await Promise.all([redis, ...clients].map((client) => client.quit()));
  });

  describeIdempotencyStoreContract(IdempotencyStore.name, () => ({ store, scope }));

  describe('claim', () => {
    it('should give exactly one of 50 concurrent claims of a key, over 10 fresh connections', async () => {
      for (let i = 0; i < 10; i++) clients.push(createIdempotencyRedisClient(redisConnection));
      const stores = clients.map((client) => new IdempotencyStore(client, TEST_RECORD_LIFETIMES));

      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % stores.length]?.claim(scope, 'race', { fingerprint: 'same' })),
      );

      expect(claims.filter((claim) => claim?.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim?.state === 'in-flight' && claim.sameFingerprint)).toHaveLength(49);
    });

    it('should keep the in-flight record only for the lease', async () => {
      await store.claim(scope, 'lease-ttl', { leaseMs: 5_000 });
      const pttl = await redis.pttl(idempotencyKey(scope, 'lease-ttl'));

      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5_000);
    });

    it('should report each outcome to onCheck', async () => {
      checks.length = 0;
      const claim = await store.claim(scope, 'hooked', { fingerprint: 'a' });
      await store.claim(scope, 'hooked', { fingerprint: 'a' });
      await store.claim(scope, 'hooked', { fingerprint: 'b' });
      if (claim.state !== 'claimed') throw new Error('expected a claim');
      await store.complete(scope, 'hooked', claim.token, 1);
      await store.claim(scope, 'hooked', { fingerprint: 'a' });
      await store.claim(scope, 'hooked', { fingerprint: 'b' });

      expect(checks).toEqual([
        [scope, 'claimed'],
        [scope, 'in_flight'],
        [scope, 'mismatch'],
        [scope, 'duplicate'],
        [scope, 'mismatch'],
      ]);
    });
  });

  describe('complete', () => {
    it('should set the TTL on the done record and drop the token', async () => {
      const claim = await store.claim(scope, 'ttl', { fingerprint: 'f', leaseMs: 60_000 });
      if (claim.state !== 'claimed') throw new Error('expected a claim');
      await store.complete(scope, 'ttl', claim.token, { offset: '1' }, 120);
      const key = idempotencyKey(scope, 'ttl');

      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(60_000);
      expect(pttl).toBeLessThanOrEqual(120_000);
      expect(await redis.hgetall(key)).toEqual({ state: 'done', fingerprint: 'f', result: '{"offset":"1"}' });
    });

    it('should use the store TTL (86400 s) by default', async () => {
      const claim = await store.claim(scope, 'default-ttl');
      if (claim.state !== 'claimed') throw new Error('expected a claim');
      await store.complete(scope, 'default-ttl', claim.token, null);

      const ttl = await redis.ttl(idempotencyKey(scope, 'default-ttl'));
      expect(ttl).toBeGreaterThan(86_390);
      expect(ttl).toBeLessThanOrEqual(86_400);
    });
  });

  // The one script on a single node; on a Cluster client the count, then the claim. Same answers.
  const clusterStore = new IdempotencyStore(asClusterClient(redis), {
    ...TEST_RECORD_LIFETIMES,
    onCheck: (s, result) => checks.push([s, result]),
  });
  describe.each([
    ['one script, as on a single node', store, `${scope}-single`],
    ['count then claim, as on a Cluster', clusterStore, `${scope}-cluster`],
  ])('claimWithinQuota (%s)', (_, store, scope) => {
    const quota = (name: string, limit: number) => ({ key: `${idempotencyKey(scope, 'quota')}:${name}`, limit, ttlMs: 2_000 });

    it('should claim within the quota and refuse past it without claiming, all in one counter', async () => {
      const window = quota('window', 2);

      const first = await store.claimWithinQuota(scope, 'q-1', window, { fingerprint: 'a' });
      const again = await store.claimWithinQuota(scope, 'q-1', window, { fingerprint: 'a' });
      const over = await store.claimWithinQuota(scope, 'q-2', window, { fingerprint: 'a' });

      expect(first.state).toBe('claimed');
      expect(again).toEqual({ state: 'in-flight', sameFingerprint: true });
      expect(over).toEqual({ state: 'over-quota', count: 3 });
      expect(await redis.exists(idempotencyKey(scope, 'q-2'))).toBe(0);
      expect(Number(await redis.get(window.key))).toBe(3);
      const pttl = await redis.pttl(window.key);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(2_000);
    });

    it('should leave a record that complete and release finish, as a plain claim does', async () => {
      const claim = await store.claimWithinQuota(scope, 'q-done', quota('finish', 10), { fingerprint: 'f' });
      if (claim.state !== 'claimed') throw new Error('expected a claim');

      expect(await store.complete(scope, 'q-done', claim.token, { offset: '7' })).toBe(true);
      expect(await store.claimWithinQuota(scope, 'q-done', quota('finish', 10), { fingerprint: 'g' })).toEqual({
        state: 'done',
        sameFingerprint: false,
        result: { offset: '7' },
      });
      const released = await store.claimWithinQuota(scope, 'q-released', quota('finish', 10));
      if (released.state !== 'claimed') throw new Error('expected a claim');
      expect(await store.release(scope, 'q-released', released.token)).toBe(true);
      expect((await store.claim(scope, 'q-released')).state).toBe('claimed');
    });

    it('should count a hit without claiming through countQuota, in the same window as the claims', async () => {
      const window = quota('shared', 5);
      await store.claimWithinQuota(scope, 'q-shared', window);

      expect(await store.countQuota(window)).toBe(2);
      expect(await store.countQuota(window)).toBe(3);
    });

    it('should report claims to onCheck but not a claim its quota refused', async () => {
      const window = quota('hooked', 1);
      checks.length = 0;
      await store.claimWithinQuota(scope, 'q-hooked', window);
      await store.claimWithinQuota(scope, 'q-hooked', window);

      expect(checks).toEqual([[scope, 'claimed']]);
    });
  });
});
