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

/** Name under which the script is defined on the shared client (`defineCommand`: EVALSHA, EVAL once per connection). */
export const SAVE_PREFERENCES_COMMAND = 'opalRecommendationsSavePreferences';
