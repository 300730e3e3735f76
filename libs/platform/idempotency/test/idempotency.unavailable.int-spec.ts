import { Redis } from 'ioredis';
import {
  IdempotencyStore,
  IdempotencyStoreUnavailableError,
  createIdempotencyRedisClient,
  type IdempotencyCheckResult,
  type RedisClient,
} from '../src';
import { unusedPort } from './support/redis-stack';
import { TEST_RECORD_LIFETIMES } from '../src/lib/testing/record-lifetimes';

describe(`${IdempotencyStore.name} (Redis unreachable)`, () => {
  const clients: RedisClient[] = [];

  afterAll(() => clients.forEach((client) => client.disconnect()));

  it('should fail fast with IDEMPOTENCY_STORE_UNAVAILABLE on a closed port, and report an error check', async () => {
    const client = createIdempotencyRedisClient({ host: '127.0.0.1', port: await unusedPort() });
    clients.push(client);
    client.on('error', () => undefined);
    const checks: IdempotencyCheckResult[] = [];
    const store = new IdempotencyStore(client, { ...TEST_RECORD_LIFETIMES, onCheck: (_, result) => checks.push(result) });
    const started = Date.now();

    const error = await store.claim('webhook', 'msg_unreachable', { fingerprint: 'f' }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(IdempotencyStoreUnavailableError);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim', reason: 'connection' });
    expect(checks).toEqual(['error']);
  });

  it('should fail complete, release and the quota calls as fast', async () => {
    const client = createIdempotencyRedisClient({ host: '127.0.0.1', port: await unusedPort() });
    clients.push(client);
    client.on('error', () => undefined);
    const store = new IdempotencyStore(client, TEST_RECORD_LIFETIMES);
    const started = Date.now();

    await expect(store.complete('webhook', 'k', 'token', {})).rejects.toMatchObject({ operation: 'complete' });
    await expect(store.release('webhook', 'k', 'token')).rejects.toMatchObject({ operation: 'release' });
    const quota = { key: 'opal:ratelimit:webhook:test:0', limit: 1, ttlMs: 2_000 };
    await expect(store.claimWithinQuota('webhook', 'k', quota)).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim' });
    await expect(store.countQuota(quota)).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'count' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should fail the claims fast on a Redis Cluster none of whose seed nodes answers, and report error checks', async () => {
    const seed = { host: '127.0.0.1', port: await unusedPort() };
    const client = createIdempotencyRedisClient({ ...seed, cluster: { nodes: [seed] } });
    clients.push(client);
    client.on('error', () => undefined);
    const checks: IdempotencyCheckResult[] = [];
    const store = new IdempotencyStore(client, { ...TEST_RECORD_LIFETIMES, onCheck: (_, result) => checks.push(result) });
    const quota = { key: 'opal:ratelimit:webhook:test:0', limit: 1, ttlMs: 2_000 };
    const started = Date.now();

    await expect(store.claimWithinQuota('webhook', 'k', quota)).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim' });
    await expect(store.claim('webhook', 'k')).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'claim' });
    await expect(store.countQuota(quota)).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', operation: 'count' });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(checks).toEqual(['error', 'error']);
  });

  it('should bound a client that queues commands while offline by the store timeout', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: await unusedPort(),
      retryStrategy: () => 10_000,
      disconnectTimeout: 50,
    });
    clients.push(client);
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('reconnecting', resolve));
    const store = new IdempotencyStore(client, { ...TEST_RECORD_LIFETIMES, timeoutMs: 300 });
    const started = Date.now();

    await expect(store.claim('webhook', 'msg_queued')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
