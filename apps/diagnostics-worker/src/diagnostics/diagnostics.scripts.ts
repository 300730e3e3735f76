/**
 * Lua scripts of the diagnostics state: one per event type, each applying everything the event
 * changes in one atomic step guarded by the event's applied marker, so a handler that runs twice
 * for one `event_id` (a lost lease, a crash before the pipeline marked it done) changes nothing
 * the second time. The keys of one script live in different slots: a single Redis node (or a
 * primary with replicas), not Redis Cluster.
 *
 * Every apply script starts with KEYS[1] applied marker, KEYS[2] processed-counter hash, KEYS[3]
 * duplicates-counter hash, ARGV[1] retention seconds, ARGV[2] event type. A repeat is counted as a
 * duplicate in the same step: the script is the one idempotency mechanism of this hop, so it is
 * also where duplicates are seen. Scripts of events that concern a workflow (KEYS[4] workflow,
 * KEYS[5] its reasons) return `{applied (1|0), HGETALL workflow, SMEMBERS reasons}`, so detection
 * judges the state the event left without a second round trip (a repeat returns it too: detection
 * re-runs so that an alert whose publish failed is sent by the retry); the others return 1 or 0.
 *
 * Retention: the applied marker, a workflow's hash and its reasons expire `retention` seconds
 * after the workflow's last event; the workflow indexes are sorted sets scored by last activity
 * (Redis server time, ms), trimmed of members older than the retention on every write, so nothing
 * the worker keeps grows without bound.
 */
const APPLY_ONCE = `
local applied = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1])
if applied then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
else
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
end
`;

/** The reply of a workflow script: whether it applied, and the state detection judges. */
const WORKFLOW_STATE = `
return {applied and 1 or 0, redis.call('HGETALL', KEYS[4]), redis.call('SMEMBERS', KEYS[5])}
`;

/**
 * Scores an index member with `now` and drops members idle longer than `retention`. Every Redis
 * call costs about a microsecond inside a script, so the helpers read the clock once (`now_ms`)
 * and read what they need in one `HMGET`: under load the scripts were most of Redis' time.
 */
const TOUCH_INDEX = `
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function touch_index(index, member, retention, now)
  redis.call('ZADD', index, now, member)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. (now - tonumber(retention) * 1000))
end
`;

/**
 * Creates the workflow (status running, healthy) unless known, so events in any order find it,
 * and restarts its retention; a degraded workflow stays in the degraded index as long as it lives.
 * Returns the workflow's health.
 */
const TOUCH_WORKFLOW = `${TOUCH_INDEX}
local function touch_workflow(workflow, workflows, degraded, workflow_id, retention)
  local known = redis.call('HMGET', workflow, 'workflow_id', 'health')
  local health = known[2]
  if not known[1] then
    redis.call('HSETNX', workflow, 'status', 'running')
    if not health then health = 'healthy' end
    redis.call('HSET', workflow, 'workflow_id', workflow_id, 'health', health)
  end
  redis.call('EXPIRE', workflow, retention)
  local now = now_ms()
  touch_index(workflows, workflow_id, retention, now)
  if health == 'degraded' then touch_index(degraded, workflow_id, retention, now) end
  return now
end
`;

const MARK_DEGRADED = `
local function mark_degraded(workflow, workflows, reasons, degraded, workflow_id, metric, retention)
  local now = touch_workflow(workflow, workflows, degraded, workflow_id, retention)
  redis.call('HSET', workflow, 'health', 'degraded')
  touch_index(degraded, workflow_id, retention, now)
  redis.call('SADD', reasons, metric)
  redis.call('EXPIRE', reasons, retention)
end
`;

/** Counted only: KEYS and ARGV of the common prefix. */
export const APPLY_COUNTED_SCRIPT = `${APPLY_ONCE}
return applied and 1 or 0
`;

/** KEYS[4] workflow, KEYS[5] reasons, KEYS[6] workflows, KEYS[7] degraded workflows; ARGV[3] workflow_id, client_name, workflow_name, started_at, estimated_duration_ms or ''. */
export const APPLY_WORKFLOW_STARTED_SCRIPT = `${TOUCH_WORKFLOW}${APPLY_ONCE}
if applied then
  touch_workflow(KEYS[4], KEYS[6], KEYS[7], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[4], 'client_name', ARGV[4], 'workflow_name', ARGV[5], 'started_at', ARGV[6])
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[4], 'estimated_duration_ms', ARGV[7]) end
end
${WORKFLOW_STATE}`;

/**
 * KEYS[4] workflow, KEYS[5] reasons, KEYS[6] workflows, KEYS[7] agents, KEYS[8] agent hash,
 * KEYS[9] samples (event_id scored by processing time), KEYS[10] recent (event_id scored by
 * arrival sequence), KEYS[11] degraded workflows;
 * ARGV[3] workflow_id, agent_id, event_id, outcome (success|partial|failed), processing_time_ms,
 * max samples. The oldest samples beyond the bound leave both sorted sets.
 */
export const APPLY_AGENT_COMPLETED_SCRIPT = `${TOUCH_WORKFLOW}${APPLY_ONCE}
if applied then
  touch_workflow(KEYS[4], KEYS[6], KEYS[11], ARGV[3], ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'agent_events', 1)
  if ARGV[6] == 'failed' then
    redis.call('HINCRBY', KEYS[4], 'agents_failed', 1)
  else
    redis.call('HINCRBY', KEYS[4], 'agents_completed', 1)
  end
  redis.call('SADD', KEYS[7], ARGV[4])
  local sequence = redis.call('HINCRBY', KEYS[8], 'count', 1)
  if ARGV[6] == 'success' then redis.call('HINCRBY', KEYS[8], 'success', 1) end
  redis.call('ZADD', KEYS[9], ARGV[7], ARGV[5])
  redis.call('ZADD', KEYS[10], sequence, ARGV[5])
  local excess = redis.call('ZCARD', KEYS[10]) - tonumber(ARGV[8])
  if excess > 0 then
    local oldest = redis.call('ZRANGE', KEYS[10], 0, excess - 1)
    redis.call('ZREMRANGEBYRANK', KEYS[10], 0, excess - 1)
    -- unpack() is bounded by Lua's C stack: a much larger excess (a lowered bound) goes one by one.
    if #oldest <= 1000 then
      redis.call('ZREM', KEYS[9], unpack(oldest))
    else
      for _, member in ipairs(oldest) do redis.call('ZREM', KEYS[9], member) end
    end
  end
end
${WORKFLOW_STATE}`;

/** KEYS[4] workflow, KEYS[5] reasons, KEYS[6] workflows, KEYS[7] degraded workflows; ARGV[3] workflow_id, status, completed_at, total_duration_ms, agents_completed, agents_failed. */
export const APPLY_WORKFLOW_COMPLETED_SCRIPT = `${TOUCH_WORKFLOW}${APPLY_ONCE}
if applied then
  touch_workflow(KEYS[4], KEYS[6], KEYS[7], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[4], 'status', ARGV[4], 'completed_at', ARGV[5], 'total_duration_ms', ARGV[6],
    'reported_agents_completed', ARGV[7], 'reported_agents_failed', ARGV[8])
end
${WORKFLOW_STATE}`;

/**
 * KEYS[4] workflow, KEYS[5] reasons, KEYS[6] workflows, KEYS[7] degraded workflows; ARGV[3]
 * workflow_id, decision_id, overall_confidence, timestamp, client_name. The decision with the
 * latest timestamp stays the workflow's last one, whatever order decisions arrive in.
 */
export const APPLY_DECISION_GENERATED_SCRIPT = `${TOUCH_WORKFLOW}${APPLY_ONCE}
if applied then
  touch_workflow(KEYS[4], KEYS[6], KEYS[7], ARGV[3], ARGV[1])
  redis.call('HSETNX', KEYS[4], 'client_name', ARGV[7])
  local last_at = redis.call('HGET', KEYS[4], 'last_decision_at')
  if not last_at or tonumber(last_at) <= tonumber(ARGV[6]) then
    redis.call('HSET', KEYS[4], 'last_decision_id', ARGV[4], 'last_decision_confidence', ARGV[5], 'last_decision_at', ARGV[6])
  end
end
${WORKFLOW_STATE}`;

/** KEYS[4] workflow, KEYS[5] workflows, KEYS[6] reasons, KEYS[7] degraded workflows; ARGV[3] workflow_id, metric. Returns 1 or 0 (no detection follows it). */
export const APPLY_DECISION_DEGRADED_SCRIPT = `${TOUCH_WORKFLOW}${MARK_DEGRADED}${APPLY_ONCE}
if not applied then return 0 end
mark_degraded(KEYS[4], KEYS[5], KEYS[6], KEYS[7], ARGV[3], ARGV[4], ARGV[1])
return 1
`;

/**
 * KEYS[1] workflow, KEYS[2] workflows, KEYS[3] reasons, KEYS[4] degraded workflows, KEYS[5] alert
 * guard; ARGV[1] workflow_id, metric, token (the causing event_id), lease ms, retention seconds. Marks the workflow
 * degraded (idempotent) and returns 1 when the caller owns the guard and so must publish the
 * alert: it was free, or its own event holds it (a redelivery after a crash mid-publish). Returns 0
 * when the alert was sent or another event is sending it. The guard holds the token for the
 * lease, then `sent` for the retention; a token whose event never comes back frees it by expiry.
 */
export const MARK_DEGRADED_AND_CLAIM_ALERT_SCRIPT = `${TOUCH_WORKFLOW}${MARK_DEGRADED}
mark_degraded(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[5])
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4])
return 1
`;

/**
 * KEYS[1] alert guard; ARGV[1] token, retention seconds → 1 when the owner's guard became `sent`
 * (for as long as the workflow is remembered), 0 when it held no guard.
 */
export const COMPLETE_ALERT_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'sent', 'EX', ARGV[2])
return 1
`;

/** KEYS[1] alert guard; ARGV[1] token → 1 when the owner's guard was dropped, 0 when it held no guard. */
export const RELEASE_ALERT_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/** Names and key counts under which the scripts are defined on the shared client (`defineCommand`). */
export const DIAGNOSTICS_SCRIPTS = {
  opalDiagnosticsApplyCounted: { numberOfKeys: 3, lua: APPLY_COUNTED_SCRIPT },
  opalDiagnosticsApplyWorkflowStarted: { numberOfKeys: 7, lua: APPLY_WORKFLOW_STARTED_SCRIPT },
  opalDiagnosticsApplyAgentCompleted: { numberOfKeys: 11, lua: APPLY_AGENT_COMPLETED_SCRIPT },
  opalDiagnosticsApplyWorkflowCompleted: { numberOfKeys: 7, lua: APPLY_WORKFLOW_COMPLETED_SCRIPT },
  opalDiagnosticsApplyDecisionGenerated: { numberOfKeys: 7, lua: APPLY_DECISION_GENERATED_SCRIPT },
  opalDiagnosticsApplyDecisionDegraded: { numberOfKeys: 7, lua: APPLY_DECISION_DEGRADED_SCRIPT },
  opalDiagnosticsMarkDegradedAndClaimAlert: { numberOfKeys: 5, lua: MARK_DEGRADED_AND_CLAIM_ALERT_SCRIPT },
  opalDiagnosticsCompleteAlert: { numberOfKeys: 1, lua: COMPLETE_ALERT_SCRIPT },
  opalDiagnosticsReleaseAlert: { numberOfKeys: 1, lua: RELEASE_ALERT_SCRIPT },
} as const;

export type DiagnosticsScriptName = keyof typeof DIAGNOSTICS_SCRIPTS;
