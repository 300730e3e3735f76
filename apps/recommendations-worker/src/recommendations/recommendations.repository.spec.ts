import type { Redis } from 'ioredis';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES } from './recommendations.personalisation';
import { RecommendationsRepository } from './recommendations.repository';
import { SAVE_PREFERENCES_COMMAND, SAVE_PREFERENCES_SCRIPT } from './recommendations.scripts';
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
    hget: jest.fn(),
    get: jest.fn(),
    set: jest.fn(),
  };
  return { client, redis: client as unknown as Redis };
}

describe(RecommendationsRepository.name, () => {
  const options = { keyPrefix: 'test:reco:', decisionTtlSeconds: 600 };

  it('should define the compare-and-set script on the client', () => {
    const { client, redis } = fakeRedis();

    new RecommendationsRepository(redis, options);

    expect(client.defineCommand).toHaveBeenCalledWith(SAVE_PREFERENCES_COMMAND, { numberOfKeys: 1, lua: SAVE_PREFERENCES_SCRIPT });
  });

  describe('savePreferences', () => {
    it('should send the user key under the prefix, updated_at, the JSON value and the event id, and report what it did', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client[SAVE_PREFERENCES_COMMAND].mockResolvedValueOnce(1).mockResolvedValueOnce(0).mockResolvedValueOnce(2);

      await expect(repository.savePreferences(preferences)).resolves.toBe('stored');
      await expect(repository.savePreferences(preferences)).resolves.toBe('stale');
      await expect(repository.savePreferences(preferences)).resolves.toBe('redelivered');

      const [key, updatedAt, value, eventId] = client[SAVE_PREFERENCES_COMMAND].mock.calls[0] as [string, string, string, string];
      expect([key, updatedAt, eventId]).toEqual(['test:reco:preferences:user-1', '1795679400000', preferences.event_id]);
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
      client.hget.mockResolvedValueOnce(JSON.stringify(preferences)).mockResolvedValueOnce(null);

      await expect(repository.findPreferences('user-1')).resolves.toEqual(preferences);
      await expect(repository.findPreferences('user-2')).resolves.toBeNull();
      expect(client.hget.mock.calls).toEqual([
        ['test:reco:preferences:user-1', 'value'],
        ['test:reco:preferences:user-2', 'value'],
      ]);
    });
  });

  describe('saveDecision', () => {
    it('should SET the decision only if absent, with the configured TTL', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      client.set.mockResolvedValueOnce('OK').mockResolvedValueOnce(null);

      await expect(repository.saveDecision(decision)).resolves.toBe(true);
      await expect(repository.saveDecision(decision)).resolves.toBe(false);

      const [key, value, ...flags] = client.set.mock.calls[0] as [string, string, ...unknown[]];
      expect(key).toBe('test:reco:decision:dec-1');
      expect(JSON.parse(value)).toEqual(decision);
      expect(flags).toEqual(['EX', 600, 'NX']);
    });

    it('should propagate a Redis error unchanged', async () => {
      const { client, redis } = fakeRedis();
      const failure = new Error('Command timed out');
      client.set.mockRejectedValue(failure);

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
