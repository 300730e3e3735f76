import type { Recommendation, UserPreferences } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES, personaliseRecommendations } from './recommendations.personalisation';

const rec = (id: string, category: string, confidence: number): Recommendation => ({
  id,
  title: `title of ${id}`,
  category,
  confidence,
});

const prefs = (overrides: Partial<UserPreferences> = {}): UserPreferences => ({
  min_confidence: null,
  max_recommendations: null,
  excluded_categories: [],
  priority_categories: [],
  ...overrides,
});

const ids = (recommendations: readonly Recommendation[]) => recommendations.map((recommendation) => recommendation.id);

describe(personaliseRecommendations.name, () => {
  describe('without preferences', () => {
    it('should keep every recommendation, ordered by confidence, and report the defaults', () => {
      const result = personaliseRecommendations([rec('a', 'x', 0.2), rec('b', 'y', 0.9), rec('c', 'x', 0.5)], null);

      expect(ids(result.recommendations)).toEqual(['b', 'c', 'a']);
      expect(result.applied_preferences).toEqual(DEFAULT_PREFERENCES);
    });

    it('should return an empty list for a decision without recommendations', () => {
      expect(personaliseRecommendations([], null)).toEqual({ recommendations: [], applied_preferences: DEFAULT_PREFERENCES });
    });

    it('should hand out a fresh defaults object each time, so a caller cannot alter the next result', () => {
      const first = personaliseRecommendations([], null).applied_preferences;
      first.excluded_categories.push('x');

      expect(personaliseRecommendations([rec('a', 'x', 0.5)], null).recommendations).toHaveLength(1);
      expect(DEFAULT_PREFERENCES.excluded_categories).toEqual([]);
    });
  });

  describe('min_confidence', () => {
    it('should drop recommendations below the minimum and keep those exactly at it', () => {
      const result = personaliseRecommendations(
        [rec('low', 'x', 0.69), rec('at', 'x', 0.7), rec('high', 'x', 0.71)],
        prefs({ min_confidence: 0.7 }),
      );

      expect(ids(result.recommendations)).toEqual(['high', 'at']);
    });

    it('should drop everything when the minimum is above every confidence', () => {
      expect(personaliseRecommendations([rec('a', 'x', 0.99)], prefs({ min_confidence: 1 })).recommendations).toEqual([]);
    });

    it('should ignore a non-finite minimum and report it as none', () => {
      const result = personaliseRecommendations([rec('a', 'x', 0.1)], prefs({ min_confidence: Number.NaN }));

      expect(ids(result.recommendations)).toEqual(['a']);
      expect(result.applied_preferences.min_confidence).toBeNull();
    });
  });

  describe('excluded_categories', () => {
    it('should drop every recommendation of an excluded category', () => {
      const result = personaliseRecommendations(
        [rec('a', 'email', 0.9), rec('b', 'content', 0.8), rec('c', 'email', 0.7), rec('d', 'seo', 0.6)],
        prefs({ excluded_categories: ['email', 'seo'] }),
      );

      expect(ids(result.recommendations)).toEqual(['b']);
    });

    it('should match categories exactly (case-sensitive)', () => {
      const result = personaliseRecommendations([rec('a', 'Email', 0.9)], prefs({ excluded_categories: ['email'] }));

      expect(ids(result.recommendations)).toEqual(['a']);
    });

    it('should let exclusion win over priority for a category listed in both', () => {
      const result = personaliseRecommendations(
        [rec('a', 'email', 0.9), rec('b', 'content', 0.5)],
        prefs({ excluded_categories: ['email'], priority_categories: ['email'] }),
      );

      expect(ids(result.recommendations)).toEqual(['b']);
    });
  });

  describe('ordering', () => {
    it('should rank priority categories first, in the order listed, then the rest by confidence', () => {
      const result = personaliseRecommendations(
        [rec('top', 'other', 0.99), rec('p2', 'second', 0.95), rec('p1', 'first', 0.1), rec('mid', 'other', 0.5)],
        prefs({ priority_categories: ['first', 'second'] }),
      );

      expect(ids(result.recommendations)).toEqual(['p1', 'p2', 'top', 'mid']);
    });

    it('should order recommendations within one priority category by confidence', () => {
      const result = personaliseRecommendations(
        [rec('low', 'p', 0.2), rec('high', 'p', 0.8), rec('other', 'o', 0.9)],
        prefs({ priority_categories: ['p'] }),
      );

      expect(ids(result.recommendations)).toEqual(['high', 'low', 'other']);
    });

    it('should ignore a priority category no recommendation has', () => {
      const result = personaliseRecommendations([rec('a', 'x', 0.1), rec('b', 'y', 0.2)], prefs({ priority_categories: ['none'] }));

      expect(ids(result.recommendations)).toEqual(['b', 'a']);
    });

    it('should break confidence ties by id in code-unit order, whatever the input order', () => {
      const tied = [rec('b', 'x', 0.5), rec('B', 'x', 0.5), rec('a', 'x', 0.5), rec('a2', 'x', 0.5)];

      expect(ids(personaliseRecommendations(tied, null).recommendations)).toEqual(['B', 'a', 'a2', 'b']);
      expect(ids(personaliseRecommendations([...tied].reverse(), null).recommendations)).toEqual(['B', 'a', 'a2', 'b']);
    });

    it('should keep the input order of recommendations identical in rank, confidence and id', () => {
      const first = { ...rec('same', 'x', 0.5), title: 'first' };
      const second = { ...rec('same', 'x', 0.5), title: 'second' };

      const result = personaliseRecommendations([first, second], null);

      expect(result.recommendations.map((recommendation) => recommendation.title)).toEqual(['first', 'second']);
    });

    it('should rank a NaN confidence last instead of scrambling the order', () => {
      const result = personaliseRecommendations([rec('nan', 'x', Number.NaN), rec('a', 'x', 0.1), rec('b', 'x', 0.9)], null);

      expect(ids(result.recommendations)).toEqual(['b', 'a', 'nan']);
    });
  });

  describe('max_recommendations', () => {
    it('should cut the ranked list, so priority recommendations survive the cut', () => {
      const result = personaliseRecommendations(
        [rec('a', 'x', 0.9), rec('b', 'x', 0.8), rec('p', 'p', 0.1)],
        prefs({ max_recommendations: 2 }),
      );
      const prioritised = personaliseRecommendations(
        [rec('a', 'x', 0.9), rec('b', 'x', 0.8), rec('p', 'p', 0.1)],
        prefs({ max_recommendations: 2, priority_categories: ['p'] }),
      );

      expect(ids(result.recommendations)).toEqual(['a', 'b']);
      expect(ids(prioritised.recommendations)).toEqual(['p', 'a']);
    });

    it('should cut after filtering, so dropped recommendations do not use up the limit', () => {
      const result = personaliseRecommendations(
        [rec('gone', 'email', 0.99), rec('low', 'x', 0.1), rec('a', 'x', 0.8), rec('b', 'x', 0.7)],
        prefs({ max_recommendations: 2, min_confidence: 0.5, excluded_categories: ['email'] }),
      );

      expect(ids(result.recommendations)).toEqual(['a', 'b']);
    });

    it('should return nothing for a maximum of 0', () => {
      expect(personaliseRecommendations([rec('a', 'x', 0.9)], prefs({ max_recommendations: 0 })).recommendations).toEqual([]);
    });

    it('should keep everything when the maximum is above the count', () => {
      expect(personaliseRecommendations([rec('a', 'x', 0.9)], prefs({ max_recommendations: 10 })).recommendations).toHaveLength(1);
    });

    it.each([-1, 1.5, Number.POSITIVE_INFINITY])('should ignore a meaningless maximum (%p) and report it as none', (maximum) => {
      const result = personaliseRecommendations([rec('a', 'x', 0.9), rec('b', 'x', 0.8)], prefs({ max_recommendations: maximum }));

      expect(result.recommendations).toHaveLength(2);
      expect(result.applied_preferences.max_recommendations).toBeNull();
    });
  });

  describe('applied_preferences', () => {
    it('should report the preferences it applied, without duplicate categories', () => {
      const result = personaliseRecommendations(
        [],
        prefs({ min_confidence: 0.4, max_recommendations: 3, excluded_categories: ['a', 'a'], priority_categories: ['b', 'c', 'b'] }),
      );

      expect(result.applied_preferences).toEqual({
        min_confidence: 0.4,
        max_recommendations: 3,
        excluded_categories: ['a'],
        priority_categories: ['b', 'c'],
      });
    });
  });

  describe('purity', () => {
    it('should leave its inputs untouched and return copies holding only the contract fields', () => {
      const input = [{ ...rec('a', 'x', 0.1), extra: 'dropped' }, rec('b', 'x', 0.9)];
      const preferences = prefs({ priority_categories: ['x'], excluded_categories: ['y'] });
      const snapshot = structuredClone({ input, preferences });

      const result = personaliseRecommendations(input, preferences);

      expect({ input, preferences }).toEqual(snapshot);
      expect(result.recommendations[1]).toEqual(rec('a', 'x', 0.1));
      expect(result.recommendations[1]).not.toBe(input[0]);
      expect(result.applied_preferences.priority_categories).not.toBe(preferences.priority_categories);
    });
  });

  describe('with the contract fixtures', () => {
    it('should personalise the fixture decision with the fixture preferences', () => {
      const decision = loadFixture('decision.generated');
      const { preferences } = loadFixture('user.preferences.updated');

      const result = personaliseRecommendations(decision.recommendations, preferences);

      // min 0.7 drops rec-004, "email" drops rec-003, "personalization" goes first.
      expect(ids(result.recommendations)).toEqual(['rec-002', 'rec-001']);
      expect(result.applied_preferences).toEqual(preferences);
    });
  });
});
