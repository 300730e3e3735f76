import { Cluster, type Redis } from 'ioredis';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES } from './recommendations.personalisation';
import { decisionKey, preferencesKey } from '@opal/contracts';
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

/**
 * The part of `key` Redis Cluster hashes to pick its slot: what is inside the first `{…}` when it
 * is not empty, else the whole key.
 */
function hashedPartOf(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** The keys of each call of a script taking its key count first: `[count, ...keys, ...args]`. */
const keysOfCalls = (calls: unknown[][]) => calls.map(([count, ...rest]) => rest.slice(0, Number(count)) as string[]);

/** The ioredis calls the repository makes; Redis semantics are covered by the int-spec. `cluster`: an ioredis `Cluster`. */
function fakeRedis({ cluster = false } = {}) {
  const methods = {
    defineCommand: jest.fn(),
    [SAVE_PREFERENCES_COMMAND]: jest.fn(),
    opalRecommendationsFindPreferences: jest.fn(),
    opalRecommendationsSaveDecisions: jest.fn(),
    get: jest.fn(),
  };
  const client = cluster
    ? Object.assign(Object.create(Cluster.prototype) as Cluster, methods, { options: { autoPipeliningIgnoredCommands: [] } })
    : methods;
  return { client: client as typeof methods, redis: client as unknown as Redis };
}

describe(RecommendationsRepository.name, () => {
  const options = { keyPrefix: 'test:reco:', decisionTtlSeconds: 600 };

  it('should define every script on the client', () => {
    const { client, redis } = fakeRedis();

    new RecommendationsRepository(redis, options);

    expect(client.defineCommand.mock.calls).toEqual(Object.entries(RECOMMENDATIONS_SCRIPTS));
  });

  it('should leave the scripts taking their key count first out of a Cluster client’s auto-pipelining, once, in a list of its own', () => {
    const shared: string[] = ['info'];
    const cluster = Object.assign(Object.create(Cluster.prototype) as Cluster, {
      defineCommand: jest.fn(),
      options: { enableAutoPipelining: true, autoPipeliningIgnoredCommands: shared },
    });

    new RecommendationsRepository(cluster, options);
    new RecommendationsRepository(cluster, options);

    expect(cluster.options.autoPipeliningIgnoredCommands).toEqual([
      'info',
      'opalRecommendationsFindPreferences',
      'opalRecommendationsSaveDecisions',
    ]);
    expect(shared).toEqual(['info']);
  });

  it('should leave a single-node client’s auto-pipelining as it is', () => {
    const { client, redis } = fakeRedis();
    const withOptions = Object.assign(client, {
      options: { enableAutoPipelining: true, autoPipeliningIgnoredCommands: [] },
    });

    new RecommendationsRepository(redis, options);

    expect(withOptions.options.autoPipeliningIgnoredCommands).toEqual([]);
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
        'test:reco:{s52}:preferences:user-1',
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
        [1, 'test:reco:{s52}:preferences:user-1'],
        [1, 'test:reco:{s45}:preferences:user-2'],
      ]);
    });

    it('should read each user of a shard once, in one call, and leave out users without preferences', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      const stored = { ...preferences, user_id: 'user-14' };
      client.opalRecommendationsFindPreferences.mockResolvedValueOnce([JSON.stringify(stored), null]);

      const found = await repository.findPreferencesOf(['user-14', 'user-122', 'user-14']);

      expect([...found]).toEqual([['user-14', stored]]);
      expect(client.opalRecommendationsFindPreferences.mock.calls).toEqual([
        [2, 'test:reco:{s0}:preferences:user-14', 'test:reco:{s0}:preferences:user-122'],
      ]);
    });

    it('should read users of several shards with one concurrent call per shard on a Cluster, each over keys of one hash slot', async () => {
      const { client, redis } = fakeRedis({ cluster: true });
      const repository = new RecommendationsRepository(redis, options);
      const userIds = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const storedOf = (userId: string) => ({ ...preferences, user_id: userId });
      const answers: Array<() => void> = [];
      client.opalRecommendationsFindPreferences.mockImplementation(
        (_count: number, ...keys: string[]) =>
          new Promise((resolve) => {
            const users = keys.map((key) => key.slice(key.lastIndexOf(':') + 1));
            // Users with an even number have preferences.
            answers.push(() =>
              resolve(users.map((user) => (Number(user.slice(5)) % 2 === 0 ? JSON.stringify(storedOf(user)) : null))),
            );
          }),
      );

      const finding = repository.findPreferencesOf([...userIds, 'user-3']);
      await new Promise((resolve) => setImmediate(resolve));
      const keysPerCall = keysOfCalls(client.opalRecommendationsFindPreferences.mock.calls);
      answers.reverse().forEach((answer) => answer());
      const found = await finding;

      expect(keysPerCall.length).toBeGreaterThan(1);
      for (const keys of keysPerCall) expect(new Set(keys.map(hashedPartOf)).size).toBe(1);
      expect(new Set(keysPerCall.map((keys) => hashedPartOf(keys[0] as string))).size).toBe(keysPerCall.length);
      expect(keysPerCall.flat().sort()).toEqual(
        userIds.map((userId) => preferencesKey(options.keyPrefix, userId)).sort(),
      );
      expect([...found.keys()]).toEqual(userIds.filter((_, i) => i % 2 === 0));
      for (const [userId, value] of found) expect(value).toEqual(storedOf(userId));
    });

    it('should read every user in one call on a single node, which runs a script over keys of any slots', async () => {
      const { client, redis } = fakeRedis();
      client.opalRecommendationsFindPreferences.mockImplementation(async (count: number) => new Array(count).fill(null));
      const userIds = Array.from({ length: 40 }, (_, i) => `user-${i}`);

      await new RecommendationsRepository(redis, options).findPreferencesOf(userIds);

      expect(keysOfCalls(client.opalRecommendationsFindPreferences.mock.calls)).toEqual([
        userIds.map((userId) => preferencesKey(options.keyPrefix, userId)),
      ]);
    });

    it('should not call Redis for no users', async () => {
      const { client, redis } = fakeRedis();

      await expect(new RecommendationsRepository(redis, options).findPreferencesOf([])).resolves.toEqual(new Map());
      expect(client.opalRecommendationsFindPreferences).not.toHaveBeenCalled();
    });
  });

  describe('saveDecisions', () => {
    it('should send each decision key of a shard and its JSON with the configured TTL in one call, and report which were stored', async () => {
      const { client, redis } = fakeRedis();
      const repository = new RecommendationsRepository(redis, options);
      const first = { ...decision, decision_id: 'dec-11' };
      const other = { ...decision, decision_id: 'dec-28' };
      client.opalRecommendationsSaveDecisions.mockResolvedValueOnce([1, 0]).mockResolvedValueOnce([0]);

      await expect(repository.saveDecisions([first, other])).resolves.toEqual([true, false]);
      await expect(repository.saveDecision(first)).resolves.toBe(false);

      const [keyCount, firstKey, secondKey, ttl, ...values] = client.opalRecommendationsSaveDecisions.mock.calls[0] as [
        number,
        string,
        string,
        number,
        ...string[],
      ];
      expect([keyCount, firstKey, secondKey, ttl]).toEqual([
        2,
        'test:reco:{s0}:decision:dec-11',
        'test:reco:{s0}:decision:dec-28',
        600,
      ]);
      expect(values.map((value) => JSON.parse(value))).toEqual([first, other]);
      expect(client.opalRecommendationsSaveDecisions.mock.calls[1]).toEqual([
        1,
        'test:reco:{s0}:decision:dec-11',
        600,
        JSON.stringify(first),
      ]);
    });

    it('should save every decision in one call, in input order, on a single node', async () => {
      const { client, redis } = fakeRedis();
      client.opalRecommendationsSaveDecisions.mockImplementation(async (count: number) => new Array(count).fill(1));
      const ids = ['dec-1', 'dec-2', 'dec-3', 'dec-11', 'dec-28'];

      await expect(
        new RecommendationsRepository(redis, options).saveDecisions(ids.map((decision_id) => ({ ...decision, decision_id }))),
      ).resolves.toEqual([true, true, true, true, true]);

      expect(keysOfCalls(client.opalRecommendationsSaveDecisions.mock.calls)).toEqual([ids.map((id) => decisionKey(options.keyPrefix, id))]);
    });

    it('should save decisions of several shards with one call per shard on a Cluster, each over keys of one hash slot, answering in input order', async () => {
      const { client, redis } = fakeRedis({ cluster: true });
      const repository = new RecommendationsRepository(redis, options);
      const stored = new Map<string, string>();
      // SET NX per key, in key order, over calls that may run in any order.
      client.opalRecommendationsSaveDecisions.mockImplementation(
        async (count: number, ...rest: Array<string | number>) => {
          const keys = rest.slice(0, count) as string[];
          const values = rest.slice(count + 1) as string[];
          return keys.map((key, i) => {
            if (stored.has(key)) return 0;
            stored.set(key, values[i] as string);
            return 1;
          });
        },
      );
      const of = (decisionId: string, title: string): PersonalisedDecision => ({
        ...decision,
        decision_id: decisionId,
        recommendations: [{ id: 'rec-1', title, category: 'content', confidence: 0.5 }],
      });
      const decisions = [
        of('dec-1', 'a'),
        of('dec-2', 'b'),
        of('dec-1', 'a again'),
        of('dec-3', 'c'),
        of('dec-11', 'd'),
        of('dec-28', 'e'),
        of('dec-1', 'a third'),
      ];

      await expect(repository.saveDecisions(decisions)).resolves.toEqual([true, true, false, true, true, true, false]);

      const keysPerCall = keysOfCalls(client.opalRecommendationsSaveDecisions.mock.calls);
      expect(keysPerCall).toHaveLength(4);
      for (const keys of keysPerCall) expect(new Set(keys.map(hashedPartOf)).size).toBe(1);
      expect(keysPerCall).toContainEqual([
        decisionKey(options.keyPrefix, 'dec-1'),
        decisionKey(options.keyPrefix, 'dec-1'),
        decisionKey(options.keyPrefix, 'dec-1'),
      ]);
      expect(keysPerCall).toContainEqual([
        decisionKey(options.keyPrefix, 'dec-11'),
        decisionKey(options.keyPrefix, 'dec-28'),
      ]);
      expect(JSON.parse(stored.get(decisionKey(options.keyPrefix, 'dec-1')) as string)).toEqual(of('dec-1', 'a'));
    });

    it('should not call Redis for no decisions', async () => {
      const { client, redis } = fakeRedis();

      await expect(new RecommendationsRepository(redis, options).saveDecisions([])).resolves.toEqual([]);
      expect(client.opalRecommendationsSaveDecisions).not.toHaveBeenCalled();
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
      expect(client.get.mock.calls).toEqual([['test:reco:{s49}:decision:dec-1'], ['test:reco:{s56}:decision:dec-2']]);
    });
  });
});
