import Redis from 'ioredis';
import { runId, stackEndpoints } from './stack-endpoints';

describe('Redis (ioredis)', () => {
  const redis = new Redis({ host: stackEndpoints.redisHost, port: stackEndpoints.redisPort, lazyConnect: true });
  const key = `opal:smoke:${runId}`;

  beforeAll(() => redis.connect());

  afterAll(async () => {
    await redis.del(key);
    await redis.quit();
  });

  it('should claim a key once with SET NX and read it back', async () => {
    expect(await redis.set(key, 'first', 'EX', 60, 'NX')).toBe('OK');
    expect(await redis.set(key, 'second', 'EX', 60, 'NX')).toBeNull();
    expect(await redis.get(key)).toBe('first');
    expect(await redis.ttl(key)).toBeGreaterThan(0);
  });
});
