/**
 * The record is one hash: `state` (`in-flight` | `done`), `fingerprint`, `token` while in flight,
 * `result` (JSON) once done. An in-flight record expires with its lease, so a crashed owner's
 * claim frees itself; a done record expires after the TTL. Each script but the quota-gated claim
 * touches one key, so it is atomic on a single node and runs on Redis Cluster as it is. The
 * quota-gated claim (`QUOTA_CLAIM_SCRIPT`) touches the record and a quota window, two keys that
 * need not share a hash slot: single node or Sentinel only; on Cluster the store counts
 * (`COUNT_SCRIPT`) then claims (`CLAIM_SCRIPT`), see `IdempotencyStore.claimWithinQuota`.
 */

// The claim as a Lua function, so the plain claim and the quota-gated claim run the same code.
const CLAIM_FUNCTION = `
local function claim(key, fingerprint, token, leaseMs)
  local record = redis.call('HMGET', key, 'state', 'fingerprint', 'result')
  local state = record[1]
  if not state then
    redis.call('HSET', key, 'state', 'in-flight', 'fingerprint', fingerprint, 'token', token)
    redis.call('PEXPIRE', key, leaseMs)
    return {'claimed'}
  end
  local same = 0
  if record[2] == fingerprint then same = 1 end
  if state == 'done' then return {'done', same, record[3] or 'null'} end
  return {'in-flight', same}
end
`;

// A fixed-window counter: the first hit of a window sets its expiry, so replicas share one exact count.
const COUNT_FUNCTION = `
local function count(key, ttlMs)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ttlMs) end
  return n
end
`;

/** KEYS[1] record; ARGV fingerprint, token, leaseMs → {'claimed'} | {'in-flight', same} | {'done', same, result}. */
export const CLAIM_SCRIPT = `${CLAIM_FUNCTION}
return claim(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
`;

/**
 * KEYS[1] record, KEYS[2] quota counter; ARGV fingerprint, token, leaseMs, limit, counter ttlMs →
 * {'over-quota', count} (nothing claimed) | the claim's reply. Single node or Sentinel only: the
 * two keys may hash to different slots, which Redis Cluster refuses (CROSSSLOT); on Cluster the
 * store counts then claims.
 */
export const QUOTA_CLAIM_SCRIPT = `${COUNT_FUNCTION}${CLAIM_FUNCTION}
local n = count(KEYS[2], ARGV[5])
if n > tonumber(ARGV[4]) then return {'over-quota', n} end
return claim(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
`;

/** KEYS[1] quota counter; ARGV ttlMs → the window's count including this hit. */
export const COUNT_SCRIPT = `${COUNT_FUNCTION}
return count(KEYS[1], ARGV[1])
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
  quotaClaim: 'opalIdempotencyQuotaClaim',
  count: 'opalIdempotencyCount',
} as const;
