import { REDIS_KEY_SHARDS, REDIS_SHARDS, redisKeyShardOf, redisShardTag, redisShardTagOf } from './redis-key-shards';

describe('redis key shards', () => {
  it('puts an id in the same shard every time, inside the range', () => {
    for (const id of ['wf-1', 'wf-2', '', 'ü-ñ', 'a'.repeat(300)]) {
      const shard = redisKeyShardOf(id);
      expect(redisKeyShardOf(id)).toBe(shard);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(REDIS_KEY_SHARDS);
    }
  });

  it('keeps the FNV-1a hash, since it decides where stored data lives', () => {
    // FNV-1a 32 of "a" is 0xe40c292c; of "foobar" 0xbf9cf968.
    expect(redisKeyShardOf('a')).toBe(0xe40c292c % REDIS_KEY_SHARDS);
    expect(redisKeyShardOf('foobar')).toBe(0xbf9cf968 % REDIS_KEY_SHARDS);
  });

  it('spreads ids over every shard', () => {
    const counts = new Array<number>(REDIS_KEY_SHARDS).fill(0);
    for (let i = 0; i < 64_000; i++) counts[redisKeyShardOf(`workflow-${i}`)] = (counts[redisKeyShardOf(`workflow-${i}`)] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it('tags keys with the shard in braces, the part Redis Cluster hashes', () => {
    expect(redisShardTag(7)).toBe('{s7}');
    expect(redisShardTagOf('foobar')).toBe(`{s${redisKeyShardOf('foobar')}}`);
    expect(REDIS_SHARDS).toEqual([...Array(REDIS_KEY_SHARDS).keys()]);
  });
});
