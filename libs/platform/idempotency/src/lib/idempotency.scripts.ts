/**
 * The record is one hash: `state` (`in-flight` | `done`), `fingerprint`, `token` while in flight,
 * `result` (JSON) once done. An in-flight record expires with its lease, so a crashed owner's
 * claim frees itself; a done record expires after the TTL. Each script touches one key, so it is
 * atomic on a single node and cluster-safe.
 */

/** KEYS[1] record; ARGV fingerprint, token, leaseMs → {'claimed'} | {'in-flight', same} | {'done', same, result}. */
export const CLAIM_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'result')
local state = record[1]
if not state then
  redis.call('HSET', KEYS[1], 'state', 'in-flight', 'fingerprint', ARGV[1], 'token', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
local same = 0
if record[2] == ARGV[1] then same = 1 end
if state == 'done' then return {'done', same, record[3] or 'null'} end
return {'in-flight', same}
`;

/** KEYS[1] record; ARGV token, result JSON, ttlSeconds → 1 when the owner completed, 0 when the lease was lost. */
export const COMPLETE_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'in-flight' or record[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[2])
redis.call('HDEL', KEYS[1], 'token')
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS[1] record; ARGV token → 1 when the owner's claim was dropped, 0 when it no longer owned it. */
export const RELEASE_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'in-flight' or record[2] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/** Names under which the scripts are defined on the client (`defineCommand`): EVALSHA, EVAL on first use per connection. */
export const SCRIPT_COMMANDS = {
  claim: 'opalIdempotencyClaim',
  complete: 'opalIdempotencyComplete',
  release: 'opalIdempotencyRelease',
} as const;
