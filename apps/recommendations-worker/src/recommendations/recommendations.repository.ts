import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import type { Redis } from 'ioredis';
import { RECOMMENDATIONS_OPTIONS } from './recommendations.constants';
import {
  PREFERENCES_WRITES,
  RECOMMENDATIONS_SCRIPTS,
  SAVE_PREFERENCES_COMMAND,
  type PreferencesWrite,
  type RecommendationsScriptName,
} from './recommendations.scripts';
import type { PersonalisedDecision, RecommendationsOptions, StoredPreferences } from './recommendations.types';

type ScriptCall = (...keysThenArgs: Array<string | number>) => Promise<unknown>;
type ScriptedRedis = Redis & Record<RecommendationsScriptName, ScriptCall>;

export const preferencesKey = (keyPrefix: string, userId: string) => `${keyPrefix}preferences:${userId}`;
export const decisionKey = (keyPrefix: string, decisionId: string) => `${keyPrefix}decision:${decisionId}`;

/**
 * Redis state of the recommendations worker, under `keyPrefix`: `preferences:<user_id>` (a hash,
 * kept until replaced by newer preferences) and `decision:<decision_id>` (JSON, expiring after
 * `decisionTtlSeconds`). Both writes are idempotent, so a handler that runs twice for one event
 * changes nothing the second time. Redis errors propagate unchanged: the consumer pipeline
 * classifies them and pauses.
 */
@Injectable()
export class RecommendationsRepository {
  private readonly redis: ScriptedRedis;

  constructor(
    @InjectRedis() redis: Redis,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {
    for (const [name, definition] of Object.entries(RECOMMENDATIONS_SCRIPTS)) redis.defineCommand(name, definition);
    this.redis = redis as ScriptedRedis;
  }

  /**
   * Stores `preferences` unless the stored ones have the same or a later `updated_at`, atomically.
   * @returns `stored`, `stale` (ignored: as new or newer ones are kept) or `redelivered` (ignored:
   *   these very preferences, by event_id, are the stored ones).
   */
  async savePreferences(preferences: StoredPreferences): Promise<PreferencesWrite> {
    if (!Number.isSafeInteger(preferences.updated_at)) {
      throw new RangeError(`updated_at must be an integer (epoch ms), got ${String(preferences.updated_at)}`);
    }
    const reply = await this.redis[SAVE_PREFERENCES_COMMAND](
      preferencesKey(this.options.keyPrefix, preferences.user_id),
      String(preferences.updated_at),
      JSON.stringify(preferences),
      preferences.event_id,
    );
    const write = PREFERENCES_WRITES[Number(reply)];
    if (!write) throw new Error(`unexpected reply ${String(reply)} from ${SAVE_PREFERENCES_COMMAND}`);
    return write;
  }

  async findPreferences(userId: string): Promise<StoredPreferences | null> {
    return (await this.findPreferencesOf([userId])).get(userId) ?? null;
  }

  /** The stored preferences of each of `userIds` that has some, in one call. */
  async findPreferencesOf(userIds: readonly string[]): Promise<Map<string, StoredPreferences>> {
    const distinct = [...new Set(userIds)];
    const found = new Map<string, StoredPreferences>();
    if (distinct.length === 0) return found;
    const values = (await this.redis.opalRecommendationsFindPreferences(
      distinct.length,
      ...distinct.map((userId) => preferencesKey(this.options.keyPrefix, userId)),
    )) as Array<string | null>;
    distinct.forEach((userId, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) found.set(userId, JSON.parse(value) as StoredPreferences);
    });
    return found;
  }

  /**
   * Stores the personalised set of a decision unless one is already stored (first write wins,
   * so a re-run after a lost lease cannot replace what was served), expiring after `decisionTtlSeconds`.
   * @returns true when stored, false when one was already there.
   */
  async saveDecision(decision: PersonalisedDecision): Promise<boolean> {
    const [stored] = await this.saveDecisions([decision]);
    return stored === true;
  }

  /** `saveDecision` for each, in order, in one call: a decision twice keeps its first set. */
  async saveDecisions(decisions: readonly PersonalisedDecision[]): Promise<boolean[]> {
    if (decisions.length === 0) return [];
    const replies = (await this.redis.opalRecommendationsSaveDecisions(
      decisions.length,
      ...decisions.map((decision) => decisionKey(this.options.keyPrefix, decision.decision_id)),
      this.options.decisionTtlSeconds,
      ...decisions.map((decision) => JSON.stringify(decision)),
    )) as number[];
    return replies.map((reply) => reply === 1);
  }

  async findDecision(decisionId: string): Promise<PersonalisedDecision | null> {
    const value = await this.redis.get(decisionKey(this.options.keyPrefix, decisionId));
    return value === null ? null : (JSON.parse(value) as PersonalisedDecision);
  }
}
