import type Redis from 'ioredis';
import { WebhookRateLimiter } from './webhook-rate-limiter';

/** A client whose defined script command counts per key, as the Lua script does in Redis. */
function countingRedis(fail?: Error) {
  const counts = new Map<string, number>();
  const calls: Array<{ key: string; ttlMs: number }> = [];
  const client: Record<string, unknown> = {
    defineCommand(name: string, definition: { numberOfKeys: number; lua: string }) {
      expect(definition.numberOfKeys).toBe(1);
      client[name] = async (key: string, ttlMs: number) => {
        if (fail) throw fail;
        calls.push({ key, ttlMs });
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return counts.get(key);
      };
    },
  };
  return { redis: client as unknown as Redis, calls };
}

describe(WebhookRateLimiter.name, () => {
  it('should allow up to the limit per source and second, then refuse with a one-second retry', async () => {
    const { redis, calls } = countingRedis();
    const limiter = new WebhookRateLimiter(redis, 2);
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 100);

    const decisions = [await limiter.consume('opal', at), await limiter.consume('opal', at + 10), await limiter.consume('opal', at + 20)];

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(decisions[2]?.retryAfterSeconds).toBe(1);
    expect(calls[0]?.key).toBe(`opal:ratelimit:webhook:opal:${Math.floor(at / 1000)}`);
    expect(calls[0]?.ttlMs).toBeGreaterThan(1000);
  });

  it('should count each source and each second on its own key', async () => {
    const { redis } = countingRedis();
    const limiter = new WebhookRateLimiter(redis, 1);
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 900);

    expect((await limiter.consume('a', at)).allowed).toBe(true);
    expect((await limiter.consume('b', at)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 200)).allowed).toBe(true);
    expect((await limiter.consume('a', at + 300)).allowed).toBe(false);
  });

  it('should let requests through and report the error when Redis fails', async () => {
    const failure = new Error('connection refused');
    const { redis } = countingRedis(failure);
    const onUnavailable = jest.fn();
    const limiter = new WebhookRateLimiter(redis, 1, onUnavailable);

    await expect(limiter.consume('opal')).resolves.toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(onUnavailable).toHaveBeenCalledWith(failure);
  });
});
