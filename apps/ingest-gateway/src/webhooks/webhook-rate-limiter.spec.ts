import type Redis from 'ioredis';
import { Logger } from '@nestjs/common';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { DependencyUnavailableError } from './webhook.ports';

/** A client whose defined script command counts per key, as the Lua script does in Redis. */
function countingRedis(fail?: Error) {
  const failure = { error: fail };
  const counts = new Map<string, number>();
  const calls: Array<{ key: string; ttlMs: number }> = [];
  const client: Record<string, unknown> = {
    defineCommand(name: string, definition: { numberOfKeys: number; lua: string }) {
      expect(definition.numberOfKeys).toBe(1);
      client[name] = async (key: string, ttlMs: number) => {
        if (failure.error) throw failure.error;
        calls.push({ key, ttlMs });
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return counts.get(key);
      };
    },
  };
  return { redis: client as unknown as Redis, calls, failure };
}

describe(WebhookRateLimiter.name, () => {
  it('should allow up to the limit per source and second, then refuse with a one-second retry', async () => {
    const { redis, calls } = countingRedis();
    const limiter = new WebhookRateLimiter(redis, { limitPerSecond: 2, failMode: 'open' });
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 100);

    const decisions = [await limiter.consume('opal', at), await limiter.consume('opal', at + 10), await limiter.consume('opal', at + 20)];

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(decisions[2]?.retryAfterSeconds).toBe(1);
    expect(calls[0]?.key).toBe(`opal:ratelimit:webhook:opal:${Math.floor(at / 1000)}`);
    expect(calls[0]?.ttlMs).toBeGreaterThan(1000);
  });

  it('should count each source and each second on its own key', async () => {
    const { redis } = countingRedis();
    const limiter = new WebhookRateLimiter(redis, { limitPerSecond: 1, failMode: 'open' });
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 900);

    expect((await limiter.consume('a', at)).allowed).toBe(true);
    expect((await limiter.consume('b', at)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 200)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 300)).allowed).toBe(false);
  });

  it('should count every check by result', async () => {
    const { redis } = countingRedis();
    const onCheck = jest.fn();
    const limiter = new WebhookRateLimiter(redis, { limitPerSecond: 1, failMode: 'open', onCheck });
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
      const { redis, failure } = countingRedis(new Error('connection refused'));
      const onCheck = jest.fn();
      const limiter = new WebhookRateLimiter(redis, { limitPerSecond: 1, failMode: 'open', onCheck });

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
      const { redis } = countingRedis(new Error('connection refused'));
      const onCheck = jest.fn();
      const limiter = new WebhookRateLimiter(redis, { limitPerSecond: 1, failMode: 'closed', onCheck });

      const refusal = await limiter.consume('opal').catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(DependencyUnavailableError);
      expect((refusal as DependencyUnavailableError).dependency).toBe('redis');
      expect(onCheck).toHaveBeenCalledWith('unavailable');
      expect(warn.mock.calls[0]?.[1]).toMatch(/requests are refused with 503 \(IDEMPOTENCY_FAIL_MODE=closed\)/);
    });
  });
});
