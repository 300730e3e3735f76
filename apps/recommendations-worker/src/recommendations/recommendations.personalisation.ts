import type { Recommendation, UserPreferences } from '@opal/contracts';
import type { AppliedPreferences } from './recommendations.types';

/** What a user without preferences gets: everything, in confidence order. */
export const DEFAULT_PREFERENCES: Readonly<AppliedPreferences> = Object.freeze({
  min_confidence: null,
  max_recommendations: null,
  excluded_categories: [],
  priority_categories: [],
});

export interface PersonalisedRecommendations {
  recommendations: Recommendation[];
  applied_preferences: AppliedPreferences;
}

/**
 * Applies a user's preferences to a decision's recommendations: drops those below
 * `min_confidence` and those in `excluded_categories` (exclusion beats priority), ranks
 * `priority_categories` first in the order listed, then by confidence (highest first), ties by id;
 * keeps at most `max_recommendations`. `null` preferences apply `DEFAULT_PREFERENCES`. Values the
 * schema allows but that mean nothing (a negative or fractional maximum, a non-finite minimum) are
 * ignored, and `applied_preferences` shows what was actually applied. Pure: the input is not touched.
 */
export function personaliseRecommendations(
  recommendations: readonly Recommendation[],
  preferences: UserPreferences | null,
): PersonalisedRecommendations {
  const applied = normalise(preferences);
  const excluded = new Set(applied.excluded_categories);
  const rank = new Map(applied.priority_categories.map((category, index) => [category, index]));
  const rankOf = (recommendation: Recommendation) => rank.get(recommendation.category) ?? rank.size;
  const minimum = applied.min_confidence;

  const kept = recommendations
    .filter((recommendation) => minimum === null || recommendation.confidence >= minimum)
    .filter((recommendation) => !excluded.has(recommendation.category))
    .map(({ id, title, category, confidence }) => ({ id, title, category, confidence }))
    .sort(
      (a, b) =>
        rankOf(a) - rankOf(b) ||
        comparableConfidence(b) - comparableConfidence(a) ||
        compareIds(a.id, b.id),
    );
  const limit = applied.max_recommendations;
  return { recommendations: limit === null ? kept : kept.slice(0, limit), applied_preferences: applied };
}

function normalise(preferences: UserPreferences | null): AppliedPreferences {
  if (!preferences) return { ...DEFAULT_PREFERENCES, excluded_categories: [], priority_categories: [] };
  const { min_confidence: minimum, max_recommendations: maximum } = preferences;
  return {
    min_confidence: typeof minimum === 'number' && Number.isFinite(minimum) ? minimum : null,
    max_recommendations: typeof maximum === 'number' && Number.isSafeInteger(maximum) && maximum >= 0 ? maximum : null,
    excluded_categories: unique(preferences.excluded_categories ?? []),
    priority_categories: unique(preferences.priority_categories ?? []),
  };
}

const unique = (values: readonly string[]) => [...new Set(values)];

/** A NaN confidence would make the comparator inconsistent; it ranks last instead. */
const comparableConfidence = (recommendation: Recommendation) =>
  Number.isNaN(recommendation.confidence) ? Number.NEGATIVE_INFINITY : recommendation.confidence;

/** Code-unit order, not locale order: the same ranking on every machine. */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
