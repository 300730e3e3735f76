import type { PartitionMetadata } from 'kafkajs';
import { TopicPartitionsCache } from './topic-partitions.cache';
import { partitionMetadata } from '../../../test/fakes/fake-kafka';

const partitions = partitionMetadata;

describe(TopicPartitionsCache.name, () => {
  let now: number;
  let cache: TopicPartitionsCache;
  let fetch: jest.Mock<Promise<PartitionMetadata[] | undefined>, [string]>;

  beforeEach(() => {
    now = 0;
    cache = new TopicPartitionsCache({ maxAgeMs: 1_000, unknownTopicMaxAgeMs: 100, now: () => now });
    fetch = jest.fn(async (topic: string) => (topic === 'missing' ? undefined : partitions(3)));
  });

  describe('lookup', () => {
    it('should fetch each topic once, even for concurrent lookups, and answer later lookups from the cache', async () => {
      const [first, second] = await Promise.all([cache.lookup(['a', 'b', 'a'], fetch), cache.lookup(['a'], fetch)]);
      const third = await cache.lookup(['b'], fetch);

      expect(first.get('a')).toHaveLength(3);
      expect(second.get('a')).toHaveLength(3);
      expect(third.get('b')).toHaveLength(3);
      expect(fetch.mock.calls).toEqual([['a'], ['b']]);
    });

    it('should report a missing topic as undefined without hiding the others', async () => {
      const found = await cache.lookup(['a', 'missing'], fetch);

      expect(found.get('a')).toHaveLength(3);
      expect(found.has('missing')).toBe(true);
      expect(found.get('missing')).toBeUndefined();
    });

    it('should fetch again once an entry is older than its max age (shorter for missing topics)', async () => {
      await cache.lookup(['a', 'missing'], fetch);
      now = 100;
      await cache.lookup(['a', 'missing'], fetch);
      now = 1_000;
      await cache.lookup(['a'], fetch);

      expect(fetch.mock.calls).toEqual([['a'], ['missing'], ['missing'], ['a']]);
    });

    it('should reject with a fetch error and cache nothing', async () => {
      fetch.mockRejectedValueOnce(new Error('broker down'));

      await expect(cache.lookup(['a'], fetch)).rejects.toThrow('broker down');
      await expect(cache.lookup(['a'], fetch)).resolves.toEqual(new Map([['a', partitions(3)]]));
    });
  });

  describe('invalidate', () => {
    it('should make the next lookup fetch the topic again', async () => {
      await cache.lookup(['a'], fetch);

      cache.invalidate(['a']);
      await cache.lookup(['a'], fetch);

      expect(fetch).toHaveBeenCalledTimes(2);
    });
  });
});
