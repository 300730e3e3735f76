import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import type { Redis } from 'ioredis';
import { RECOMMENDATIONS_OPTIONS } from './recommendations.constants';
import { PREFERENCES_WRITES, SAVE_PREFERENCES_COMMAND, SAVE_PREFERENCES_SCRIPT, type PreferencesWrite } from './recommendations.scripts';
import type { PersonalisedDecision, RecommendationsOptions, StoredPreferences } from './recommendations.types';

type SavePreferences = (key: string, updatedAt: string, value: string, eventId: string) => Promise<unknown>;
type ScriptedRedis = Redis & Record<typeof SAVE_PREFERENCES_COMMAND, SavePreferences>;

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
    redis.defineCommand(SAVE_PREFERENCES_COMMAND, { numberOfKeys: 1, lua: SAVE_PREFERENCES_SCRIPT });
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
    const value = await this.redis.hget(preferencesKey(this.options.keyPrefix, userId), 'value');
    return value === null ? null : (JSON.parse(value) as StoredPreferences);
  }

  /**
   * Stores the personalised set of a decision unless one is already stored (first write wins,
   * so a re-run after a lost lease cannot replace what was served), expiring after `decisionTtlSeconds`.
   * @returns true when stored, false when one was already there.
   */
  async saveDecision(decision: PersonalisedDecision): Promise<boolean> {
    const reply = await this.redis.set(
      decisionKey(this.options.keyPrefix, decision.decision_id),
      JSON.stringify(decision),
      'EX',
      this.options.decisionTtlSeconds,
      'NX',
    );
    return reply === 'OK';
  }

  async findDecision(decisionId: string): Promise<PersonalisedDecision | null> {
    const value = await this.redis.get(decisionKey(this.options.keyPrefix, decisionId));
    return value === null ? null : (JSON.parse(value) as PersonalisedDecision);
  }
}
