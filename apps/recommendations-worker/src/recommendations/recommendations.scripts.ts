/**
 * KEYS[1] a user's preferences hash (`updated_at`, `event_id`, `value` JSON); ARGV updated_at,
 * value, event_id → 1 when stored, 2 when these very preferences (same event_id) are the stored
 * ones (a redelivery), 0 when the stored preferences are as new or newer. One script, so
 * concurrent writers cannot interleave the compare and the set.
 */
export const SAVE_PREFERENCES_SCRIPT = `
if redis.call('HGET', KEYS[1], 'event_id') == ARGV[3] then return 2 end
local current = redis.call('HGET', KEYS[1], 'updated_at')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[1], 'value', ARGV[2], 'event_id', ARGV[3])
return 1
`;

/** What saving a user's preferences did: `stored`, `stale` (as new or newer ones are kept) or `redelivered` (this event's are the stored ones). */
export type PreferencesWrite = 'stored' | 'stale' | 'redelivered';

export const PREFERENCES_WRITES: Record<number, PreferencesWrite> = { 0: 'stale', 1: 'stored', 2: 'redelivered' };

/** Name under which the preferences script is defined on the shared client. */
export const SAVE_PREFERENCES_COMMAND = 'opalRecommendationsSavePreferences';

/**
 * KEYS users' preferences hashes, all of one shard (one hash slot under Redis Cluster) → each
 * one's `value` (nil where none): the preferences a key group's decisions need, read in one call
 * per shard.
 */
export const FIND_PREFERENCES_SCRIPT = `
local values = {}
for i, key in ipairs(KEYS) do values[i] = redis.call('HGET', key, 'value') end
return values
`;

/**
 * KEYS decision keys, all of one shard (one hash slot under Redis Cluster); ARGV[1] TTL seconds,
 * ARGV[1 + i] the JSON of KEYS[i] → per decision 1 when stored, 0 when a set for it was stored
 * already (first write wins). In key order, so a decision twice in one call keeps its first set
 * (its copies all fall in one shard's call).
 */
export const SAVE_DECISIONS_SCRIPT = `
local stored = {}
for i, key in ipairs(KEYS) do
  stored[i] = redis.call('SET', key, ARGV[i + 1], 'NX', 'EX', ARGV[1]) and 1 or 0
end
return stored
`;

/**
 * Every script of the worker under the name it is defined with on the shared client
 * (`defineCommand`: EVALSHA, EVAL once per connection); the two without a key count take it as
 * their first argument.
 */
export const RECOMMENDATIONS_SCRIPTS = {
  [SAVE_PREFERENCES_COMMAND]: { numberOfKeys: 1, lua: SAVE_PREFERENCES_SCRIPT },
  opalRecommendationsFindPreferences: { lua: FIND_PREFERENCES_SCRIPT },
  opalRecommendationsSaveDecisions: { lua: SAVE_DECISIONS_SCRIPT },
} as const;

export type RecommendationsScriptName = keyof typeof RECOMMENDATIONS_SCRIPTS;

