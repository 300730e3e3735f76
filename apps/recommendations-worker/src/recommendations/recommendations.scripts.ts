/**
 * KEYS[1] a user's preferences hash (`updated_at`, `value` JSON); ARGV updated_at, value → 1 when
 * stored, 0 when the stored preferences are as new or newer. One script, so concurrent writers
 * cannot interleave the compare and the set.
 */
export const SAVE_PREFERENCES_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'updated_at')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[1], 'value', ARGV[2])
return 1
`;

/** Name under which the script is defined on the shared client (`defineCommand`: EVALSHA, EVAL once per connection). */
export const SAVE_PREFERENCES_COMMAND = 'opalRecommendationsSavePreferences';
