import type { Redis } from 'ioredis';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES } from './recommendations.personalisation';
import { RecommendationsRepository } from './recommendations.repository';
import { RECOMMENDATIONS_SCRIPTS, SAVE_PREFERENCES_COMMAND } from './recommendations.scripts';
import type { PersonalisedDecision, StoredPreferences } from './recommendations.types';

const preferences: StoredPreferences = {
  user_id: 'user-1',
  client_name: 'acme',
  preferences: loadFixture('user.preferences.updated').preferences,
  updated_at: 1_795_679_400_000,
  event_id: 'evt-1',
};

const decision: PersonalisedDecision = {
  decision_id: 'dec-1',
  workflow_id: 'wf-1',
  user_id: null,
  recommendations: [],
  applied_preferences: { ...DEFAULT_PREFERENCES, excluded_categories: [], priority_categories: [] },
};

/** The ioredis calls the repository makes; Redis semantics are covered by the int-spec. */
function fakeRedis() {
  const client = {
    defineCommand: jest.fn(),
    [SAVE_PREFERENCES_COMMAND]: jest.fn(),
    opalRecommendationsFindPreferences: jest.fn(),
    opalRecommendationsSaveDecisions: jest.fn(),
    get: jest.fn(),
  };
  return { client, redis: client as unknown as Redis };
}

describe(RecommendationsRepository.name, () => {
  const options = { keyPrefix: 'test:reco:', decisionTtlSeconds: 600 };

  it('should define every script on the client', () => {
    const { client, redis } = fakeRedis();

    new RecommendationsRepository(redis, options);

    expect(client.defineCommand.mock.calls).toEqual(Object.entries(RECOMMENDATIONS_SCRIPTS));
  });

  describe('savePreferences', () => {
    it('should send the user key under the prefix, updated_at, the JSON value and the event id, and report what it did', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client[SAVE_PREFERENCES_COMMAND].mockResolvedValueOnce(1).mockResolvedValueOnce(0).mockResolvedValueOnce(2);

      await expect(repository.savePreferences(preferences)).resolves.toBe('stored');
      await expect(repository.savePreferences(preferences)).resolves.toBe('stale');
      await expect(repository.savePreferences(preferences)).resolves.toBe('redelivered');

      const [key, updatedAt, value, eventId] = client[SAVE_PREFERENCES_COMMAND].mock.calls[0] as [
        string,
        string,
        string,
        string,
      ];
      expect([key, updatedAt, eventId]).toEqual([
        'test:reco:preferences:user-1',
        '1795679400000',
        preferences.event_id,
      ]);
      expect(JSON.parse(value)).toEqual(preferences);
    });

    it.each([Number.NaN, 1.5, 2 ** 53])('should refuse updated_at %p without calling Redis', async (updatedAt) => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);

      await expect(repository.savePreferences({ ...preferences, updated_at: updatedAt })).rejects.toThrow(RangeError);
      expect(client[SAVE_PREFERENCES_COMMAND]).not.toHaveBeenCalled();
    });

    it('should propagate a Redis error unchanged', async () => {
      const { client, redis } = fakeRedis();
      const failure = new Error("Stream isn't writeable and enableOfflineQueue options is false");
      client[SAVE_PREFERENCES_COMMAND].mockRejectedValue(failure);

      await expect(new RecommendationsRepository(redis, options).savePreferences(preferences)).rejects.toBe(failure);
    });
  });

  describe('findPreferences', () => {
    it('should read the value field of the user’s hash, or null when there is none', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client.opalRecommendationsFindPreferences
        .mockResolvedValueOnce([JSON.stringify(preferences)])
        .mockResolvedValueOnce([null]);

      await expect(repository.findPreferences('user-1')).resolves.toEqual(preferences);
      await expect(repository.findPreferences('user-2')).resolves.toBeNull();
      expect(client.opalRecommendationsFindPreferences.mock.calls).toEqual([
        [1, 'test:reco:preferences:user-1'],
        [1, 'test:reco:preferences:user-2'],
      ]);
    });

    it('should read each user once, in one call, and leave out users without preferences', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client.opalRecommendationsFindPreferences.mockResolvedValueOnce([JSON.stringify(preferences), null]);

      const found = await repository.findPreferencesOf(['user-1', 'user-2', 'user-1']);

      expect([...found]).toEqual([['user-1', preferences]]);
      expect(client.opalRecommendationsFindPreferences.mock.calls).toEqual([
        [2, 'test:reco:preferences:user-1', 'test:reco:preferences:user-2'],
      ]);
    });

    it('should not call Redis for no users', async () => {
      const { client, redis } = fakeRedis();

      await expect(new RecommendationsRepository(redis, options).findPreferencesOf([])).resolves.toEqual(new Map());
      expect(client.opalRecommendationsFindPreferences).not.toHaveBeenCalled();
    });
  });

  describe('saveDecisions', () => {
    it('should send each decision key and its JSON with the configured TTL, and report which were stored', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      const other = { ...decision, decision_id: 'dec-2' };
      client.opalRecommendationsSaveDecisions.mockResolvedValueOnce([1, 0]).mockResolvedValueOnce([0]);

      await expect(repository.saveDecisions([decision, other])).resolves.toEqual([true, false]);
      await expect(repository.saveDecision(decision)).resolves.toBe(false);

      const [keyCount, firstKey, secondKey, ttl, ...values] = client.opalRecommendationsSaveDecisions.mock.calls[0] as [
        number,
        string,
        string,
        number,
        ...string[],
      ];
      expect([keyCount, firstKey, secondKey, ttl]).toEqual([
        2,
        'test:reco:decision:dec-1',
        'test:reco:decision:dec-2',
        600,
      ]);
      expect(values.map((value) => JSON.parse(value))).toEqual([decision, other]);
    });

    it('should propagate a Redis error unchanged', async () => {
      const { client, redis } = fakeRedis();
      const failure = new Error('Command timed out');
      client.opalRecommendationsSaveDecisions.mockRejectedValue(failure);

      await expect(new RecommendationsRepository(redis, options).saveDecision(decision)).rejects.toBe(failure);
    });
  });

  describe('findDecision', () => {
    it('should parse the stored decision, or return null when there is none', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client.get.mockResolvedValueOnce(JSON.stringify(decision)).mockResolvedValueOnce(null);

      await expect(repository.findDecision('dec-1')).resolves.toEqual(decision);
      await expect(repository.findDecision('dec-2')).resolves.toBeNull();
      expect(client.get.mock.calls).toEqual([['test:reco:decision:dec-1'], ['test:reco:decision:dec-2']]);
    });
  });
});
