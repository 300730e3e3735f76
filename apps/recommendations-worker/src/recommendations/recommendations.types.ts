import type { Recommendation, UserPreferences } from '@opal/contracts';

/** The preferences a personalised set was built with: the user's, normalised, or the defaults. */
export type AppliedPreferences = UserPreferences;

/** A decision's recommendations after the user's preferences were applied; what the API serves. */
export interface PersonalisedDecision {
  decision_id: string;
  workflow_id: string;
  user_id: string | null;
  recommendations: Recommendation[];
  applied_preferences: AppliedPreferences;
}

/** The latest preferences of a user, as stored. */
export interface StoredPreferences {
  user_id: string;
  client_name: string;
  preferences: UserPreferences;
  /** Orders updates: a stored value is replaced only by a strictly later one. */
  updated_at: number;
  /** The event that wrote this value, for tracing. */
  event_id: string;
}

/** Resolved options of `RecommendationsModule`. */
export interface RecommendationsOptions {
  keyPrefix: string;
  decisionTtlSeconds: number;
}
