import type { FixedWindowQuota } from '@opal/platform-idempotency';
import { Logger } from '@nestjs/common';
import { WebhookRateLimiter, type QuotaCounter } from './webhook-rate-limiter';
import { DependencyUnavailableError } from './webhook.ports';

/** Counts per window key, as the store's count script does in Redis. */
function countingStore(fail?: Error) {
  const failure = { error: fail };
  const counts = new Map<string, number>();
  const calls: FixedWindowQuota[] = [];
  const store: QuotaCounter = {
    countQuota: async (quota) => {
      if (failure.error) throw failure.error;
      calls.push(quota);
      counts.set(quota.key, (counts.get(quota.key) ?? 0) + 1);
      return counts.get(quota.key) as number;
    },
  };
  return { store, calls, failure };
}

describe(WebhookRateLimiter.name, () => {
  it('should allow up to the limit per source and second, then refuse with a one-second retry', async () => {
    const { store, calls } = countingStore();
    const limiter = new WebhookRateLimiter(store, { limitPerSecond: 2, failMode: 'open' });
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 100);

    const decisions = [await limiter.consume('opal', at), await limiter.consume('opal', at + 10), await limiter.consume('opal', at + 20)];

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(decisions[2]?.retryAfterSeconds).toBe(1);
    expect(calls[0]?.key).toBe(`opal:ratelimit:webhook:opal:${Math.floor(at / 1000)}`);
    expect(calls[0]?.ttlMs).toBeGreaterThan(1000);
    expect(calls[0]?.limit).toBe(2);
  });

  it('should name the same quota for a quota-gated claim as it counts itself', () => {
    const limiter = new WebhookRateLimiter(countingStore().store, { limitPerSecond: 5, failMode: 'open' });
    const at = Date.UTC(2026, 10, 26, 12, 0, 1, 999);

    expect(limiter.quota('opal', at)).toEqual({ key: `opal:ratelimit:webhook:opal:${Math.floor(at / 1000)}`, limit: 5, ttlMs: 2000 });
  });

  it('should count each source and each second on its own key', async () => {
    const { store } = countingStore();
    const limiter = new WebhookRateLimiter(store, { limitPerSecond: 1, failMode: 'open' });
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 900);

    expect((await limiter.consume('a', at)).allowed).toBe(true);
    expect((await limiter.consume('b', at)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 200)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 300)).allowed).toBe(false);
  });

  it('should count every check by result', async () => {
    const { store } = countingStore();
    const onCheck = jest.fn();
    const limiter = new WebhookRateLimiter(store, { limitPerSecond: 1, failMode: 'open', onCheck });
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 0);

    await limiter.consume('opal', at);
    await limiter.consume('opal', at + 1);

    expect(onCheck.mock.calls).toEqual([['allowed'], ['limited']]);
  });

  describe('when Redis is unreachable', () => {
    let warn: jest.SpyInstance;
    let log: jest.SpyInstance;

    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    });

    afterEach(() => jest.restoreAllMocks());

    it('should let requests through in fail-open mode, counting each as unavailable and warning once per outage', async () => {
      const { store, failure } = countingStore(new Error('connection refused'));
      const onCheck = jest.fn();
      const limiter = new WebhookRateLimiter(store, { limitPerSecond: 1, failMode: 'open', onCheck });

      const decisions = [await limiter.consume('opal'), await limiter.consume('opal'), await limiter.consume('opal')];

      expect(decisions).toEqual(Array(3).fill({ allowed: true, retryAfterSeconds: 0 }));
      expect(onCheck.mock.calls).toEqual([['unavailable'], ['unavailable'], ['unavailable']]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[1]).toMatch(/requests pass without a rate limit \(IDEMPOTENCY_FAIL_MODE=open\)/);

      failure.error = undefined;
      await limiter.consume('opal');
      expect(log).toHaveBeenCalledWith('Redis reachable again: the webhook rate limit is enforced');
      expect(onCheck).toHaveBeenLastCalledWith('allowed');
    });

    it('should refuse in fail-closed mode with a Redis DependencyUnavailableError', async () => {
      const { store } = countingStore(new Error('connection refused'));
      const onCheck = jest.fn();
      const limiter = new WebhookRateLimiter(store, { limitPerSecond: 1, failMode: 'closed', onCheck });

      const refusal = await limiter.consume('opal').catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(DependencyUnavailableError);
      expect((refusal as DependencyUnavailableError).dependency).toBe('redis');
      expect(onCheck).toHaveBeenCalledWith('unavailable');
      expect(warn.mock.calls[0]?.[1]).toMatch(/requests are refused with 503 \(IDEMPOTENCY_FAIL_MODE=closed\)/);
    });
  });
});
