import type { Redis } from 'ioredis';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES } from '../src/recommendations/recommendations.personalisation';
import { decisionKey, preferencesKey } from '@opal/contracts';
import { RecommendationsRepository } from '../src/recommendations/recommendations.repository';
import type { PersonalisedDecision, StoredPreferences } from '../src/recommendations/recommendations.types';
import { connectRedis, deleteKeys, uniqueKeyPrefix } from './support/recommendations-redis';

const preferencesAt = (userId: string, updatedAt: number, maxRecommendations = updatedAt): StoredPreferences => ({
  user_id: userId,
  client_name: 'acme-retail',
  preferences: { ...loadFixture('user.preferences.updated').preferences, max_recommendations: maxRecommendations },
  updated_at: updatedAt,
  event_id: `evt-${userId}-${updatedAt}`,
});

const decisionOf = (decisionId: string, title: string): PersonalisedDecision => ({
  decision_id: decisionId,
  workflow_id: 'wf-int',
  user_id: null,
  recommendations: [{ id: 'rec-1', title, category: 'content', confidence: 0.5 }],
  applied_preferences: { ...DEFAULT_PREFERENCES, excluded_categories: [], priority_categories: [] },
});

/** Fisher–Yates with a fixed seed: a scrambled arrival order that is the same on every run. */
function shuffled<T>(values: readonly T[], seed: number): T[] {
  const result = [...values];
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

describe(`${RecommendationsRepository.name} (real Redis)`, () => {
  const keyPrefix = uniqueKeyPrefix('repository');
  const decisionTtlSeconds = 900;
  const clients: Redis[] = [];
  let redis: Redis;
  let repository: RecommendationsRepository;

  beforeAll(async () => {
    redis = await connectRedis();
    repository = new RecommendationsRepository(redis, { keyPrefix, decisionTtlSeconds });
  });

  afterAll(async () => {
    await deleteKeys(redis, keyPrefix);
    await Promise.all([redis, ...clients].map((client) => client.quit()));
  });

  describe('savePreferences', () => {
    it('should keep the newer preferences when an older update arrives after it', async () => {
      await expect(repository.savePreferences(preferencesAt('late-older', 2_000))).resolves.toBe('stored');
      await expect(repository.savePreferences(preferencesAt('late-older', 1_000))).resolves.toBe('stale');

      expect(await repository.findPreferences('late-older')).toEqual(preferencesAt('late-older', 2_000));
    });

    it('should replace older preferences with newer ones', async () => {
      await repository.savePreferences(preferencesAt('in-order', 1_000));
      await expect(repository.savePreferences(preferencesAt('in-order', 1_001))).resolves.toBe('stored');

      expect((await repository.findPreferences('in-order'))?.updated_at).toBe(1_001);
    });

    it('should ignore an update with the same updated_at, even with other content', async () => {
      await repository.savePreferences(preferencesAt('equal', 5_000, 3));
      const rival = { ...preferencesAt('equal', 5_000, 9), event_id: 'evt-rival' };

      await expect(repository.savePreferences(rival)).resolves.toBe('stale');

      expect(await repository.findPreferences('equal')).toEqual(preferencesAt('equal', 5_000, 3));
    });

    it('should recognise a redelivery of the stored preferences by its event id', async () => {
      const stored = preferencesAt('redelivered', 4_000);
      await repository.savePreferences(stored);

      await expect(repository.savePreferences(stored)).resolves.toBe('redelivered');
      expect(await repository.findPreferences('redelivered')).toEqual(stored);
    });

    it('should end in the newest state for any arrival order of real epoch-ms timestamps', async () => {
      const base = 1_795_679_400_000;
      const updates = Array.from({ length: 12 }, (_, i) => preferencesAt('epoch-ms', base + i * 7, i));

      for (const update of shuffled(updates, 7)) await repository.savePreferences(update);

      expect(await repository.findPreferences('epoch-ms')).toEqual(updates[11]);
    });

    it('should end in the newest state when concurrent writers on separate connections race', async () => {
      for (let i = 0; i < 8; i++) clients.push(await connectRedis());
      const writers = clients.map((client) => new RecommendationsRepository(client, { keyPrefix, decisionTtlSeconds }));
      const users = Array.from({ length: 5 }, (_, i) => `race-${i}`);
      const updates = users.flatMap((user) => Array.from({ length: 40 }, (_, i) => preferencesAt(user, 10_000 + i)));

      const results = await Promise.all(
        shuffled(updates, 42).map(async (update, i) => ({
          update,
          stored: await (writers[i % writers.length] as RecommendationsRepository).savePreferences(update),
        })),
      );

      for (const user of users) {
        expect(await repository.findPreferences(user)).toEqual(preferencesAt(user, 10_039));
        expect(results.find(({ update }) => update.user_id === user && update.updated_at === 10_039)?.stored).toBe('stored');
      }
    });

    it('should keep preferences without expiry, under the configured prefix', async () => {
      await repository.savePreferences(preferencesAt('no-ttl', 1));

      expect(await redis.pttl(preferencesKey(keyPrefix, 'no-ttl'))).toBe(-1);
    });

    it('should return null for a user without stored preferences', async () => {
      await expect(repository.findPreferences('nobody')).resolves.toBeNull();
    });

    it("should read several users' preferences in one call per shard, each once, leaving out those without any", async () => {
      await repository.savePreferences(preferencesAt('group-a', 1_000));
      await repository.savePreferences(preferencesAt('group-b', 2_000));

      const found = await repository.findPreferencesOf(['group-b', 'nobody', 'group-a', 'group-b']);

      expect(Object.fromEntries(found)).toEqual({
        'group-b': preferencesAt('group-b', 2_000),
        'group-a': preferencesAt('group-a', 1_000),
      });
    });

    it('should read users spread over many shards, each with its own preferences', async () => {
      const users = Array.from({ length: 40 }, (_, i) => `spread-${i}`);
      const withPreferences = users.filter((_, i) => i % 3 !== 0);
      await Promise.all(withPreferences.map((user, i) => repository.savePreferences(preferencesAt(user, 1_000 + i))));

      const found = await repository.findPreferencesOf(users);

      expect([...found.keys()]).toEqual(withPreferences);
      withPreferences.forEach((user, i) => expect(found.get(user)).toEqual(preferencesAt(user, 1_000 + i)));
    });
  });

  describe('saveDecision', () => {
    it('should store a decision once: a second write with other content is ignored', async () => {
      await expect(repository.saveDecision(decisionOf('dec-once', 'first'))).resolves.toBe(true);
      await expect(repository.saveDecision(decisionOf('dec-once', 'second'))).resolves.toBe(false);

      expect(await repository.findDecision('dec-once')).toEqual(decisionOf('dec-once', 'first'));
    });

    it('should let exactly one of many concurrent writes of a decision win', async () => {
      const writers = [repository, ...clients.map((client) => new RecommendationsRepository(client, { keyPrefix, decisionTtlSeconds }))];

      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (writers[i % writers.length] as RecommendationsRepository).saveDecision(decisionOf('dec-race', `writer-${i}`))),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await repository.findDecision('dec-race'))?.recommendations[0]?.title).toBe(`writer-${results.indexOf(true)}`);
    });

    it('should expire the stored decision after the configured TTL', async () => {
      await repository.saveDecision(decisionOf('dec-ttl', 'x'));
      const ttl = await redis.ttl(decisionKey(keyPrefix, 'dec-ttl'));

      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(decisionTtlSeconds);
    });

    it('should not refresh the TTL when a later write is ignored', async () => {
      await repository.saveDecision(decisionOf('dec-ttl-kept', 'x'));
      await redis.expire(decisionKey(keyPrefix, 'dec-ttl-kept'), 30);

      await repository.saveDecision(decisionOf('dec-ttl-kept', 'y'));

      expect(await redis.ttl(decisionKey(keyPrefix, 'dec-ttl-kept'))).toBeLessThanOrEqual(30);
    });

    it('should store a group of decisions in one call per shard, in order: a decision twice keeps its first set', async () => {
      await repository.saveDecision(decisionOf('dec-group-known', 'earlier'));

      const stored = await repository.saveDecisions([
        decisionOf('dec-group-a', 'a'),
        decisionOf('dec-group-known', 'later'),
        decisionOf('dec-group-a', 'a again'),
        decisionOf('dec-group-b', 'b'),
      ]);

      expect(stored).toEqual([true, false, false, true]);
      expect(await repository.findDecision('dec-group-a')).toEqual(decisionOf('dec-group-a', 'a'));
      expect(await repository.findDecision('dec-group-known')).toEqual(decisionOf('dec-group-known', 'earlier'));
      expect(await redis.ttl(decisionKey(keyPrefix, 'dec-group-b'))).toBeGreaterThan(0);
    });

    it('should store decisions spread over many shards, answering in input order', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `dec-spread-${i}`);
      await repository.saveDecision(decisionOf('dec-spread-7', 'earlier'));

      const stored = await repository.saveDecisions([...ids.map((id) => decisionOf(id, id)), decisionOf('dec-spread-3', 'again')]);

      expect(stored).toEqual([...ids.map((id) => id !== 'dec-spread-7'), false]);
      for (const id of ids) {
        expect(await repository.findDecision(id)).toEqual(decisionOf(id, id === 'dec-spread-7' ? 'earlier' : id));
      }
    });

    it('should return null for an unknown decision', async () => {
      await expect(repository.findDecision('dec-unknown')).resolves.toBeNull();
    });
  });
});
