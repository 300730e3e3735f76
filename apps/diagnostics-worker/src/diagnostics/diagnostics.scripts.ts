/**
 * Lua scripts of the diagnostics state: one per event type, each applying everything the event
 * changes in one atomic step guarded by the event's applied marker, so a handler that runs twice
 * for one `event_id` (a lost lease, a crash before the pipeline marked it done) changes nothing
 * the second time. Agent results, many per workflow, have one script for a workflow's several
 * (each still guarded by its own marker), and one more for an agent's statistics.
 *
 * Redis Cluster runs them: the keys of one call all carry one shard tag (`diagnostics.keys.ts`), so
 * they hash to one slot. An event that concerns a workflow is applied in the workflow's shard: its
 * marker, the workflow's hash, reasons and alert guards, and that shard's counters and activity
 * indexes. An event only counted is applied in the shard of its event_id. An agent's statistics
 * change with results of workflows in any shard, so they live in the agent's shard with their own
 * markers and the shard's agent list, and a script of their own applies them beside the workflow's:
 * each is guarded by its own marker, so a redelivery, or a crash between the two, still applies
 * each effect once. The same keys run on a single node.
 *
 * Every other apply script starts with KEYS[1] applied marker, KEYS[2] processed-counter hash, KEYS[3]
 * duplicates-counter hash, ARGV[1] retention seconds, ARGV[2] event type. A repeat is counted as a
 * duplicate in the same step: the script is the one idempotency mechanism of this hop, so it is
 * also where duplicates are seen. Scripts of events that concern a workflow (KEYS[4] workflow,
 * KEYS[5] its reasons) return `{applied (1|0), HGETALL workflow, SMEMBERS reasons}`, so detection
 * judges the state the event left without a second round trip (a repeat returns it too: detection
 * re-runs so that an alert whose publish failed is sent by the retry); the others return 1 or 0.
 *
 * Retention: the applied markers, a workflow's hash and its reasons expire `retention` seconds
 * after the workflow's last event; the workflow indexes are sorted sets scored by last activity
 * (Redis server time, ms), trimmed of members older than the retention on every write to their
 * shard (reads skip older members too), so nothing the worker keeps grows without bound.
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

/** Redis commands take their arguments from a Lua table through unpack(), which Lua's C stack bounds. */
const UNPACK_BOUNDED = `
local function call_spread(command, key, values)
  for first = 1, #values, 1000 do
    redis.call(command, key, unpack(values, first, math.min(first + 999, #values)))
  end
end
`;

/**
 * The agent results of one workflow in offset order (a key group, or a slice of one), applied to the
 * workflow in one step: the same effects as applying them one by one, with the work they share done
 * once (the workflow's touch, its counters, the reply). The agents' statistics are
 * `APPLY_AGENT_STATISTICS_SCRIPT`'s. Unlike the other scripts it does not take the common prefix:
 * its applied markers are per event.
 *
 * KEYS[1] processed-counter hash, KEYS[2] duplicates-counter hash, KEYS[3] workflow, KEYS[4]
 * reasons, KEYS[5] workflows, KEYS[6] degraded workflows, then per event its applied marker. ARGV[1]
 * retention seconds, ARGV[2] event type, ARGV[3] workflow_id, then per event its outcome
 * (success|partial|failed).
 *
 * Returns {per event: applied (1|0), agent_events, agents_completed, agents_failed as they stood
 * right after it (flat, 4 per event); HGETALL workflow; SMEMBERS reasons}: the counters are all an
 * agent result changes that detection judges, so every event is judged on the state it left.
 */
export const APPLY_AGENT_RESULTS_SCRIPT = `${TOUCH_WORKFLOW}
local retention, event_type, workflow_id = ARGV[1], ARGV[2], ARGV[3]
local count = #KEYS - 6
local known = redis.call('HMGET', KEYS[3], 'agent_events', 'agents_completed', 'agents_failed')
local before = {tonumber(known[1]) or 0, tonumber(known[2]) or 0, tonumber(known[3]) or 0}
local events, completed, failed = before[1], before[2], before[3]
local reply = {}
for i = 1, count do
  local applied = redis.call('SET', KEYS[6 + i], '1', 'NX', 'EX', retention)
  if applied then
    events = events + 1
    if ARGV[3 + i] == 'failed' then failed = failed + 1 else completed = completed + 1 end
  end
  reply[#reply + 1] = applied and 1 or 0
  reply[#reply + 1] = events
  reply[#reply + 1] = completed
  reply[#reply + 1] = failed
end
local applied_count = events - before[1]
if applied_count > 0 then
  touch_workflow(KEYS[3], KEYS[5], KEYS[6], workflow_id, retention)
  redis.call('HINCRBY', KEYS[3], 'agent_events', applied_count)
  if completed > before[2] then redis.call('HINCRBY', KEYS[3], 'agents_completed', completed - before[2]) end
  if failed > before[3] then redis.call('HINCRBY', KEYS[3], 'agents_failed', failed - before[3]) end
  redis.call('HINCRBY', KEYS[1], event_type, applied_count)
end
if count > applied_count then redis.call('HINCRBY', KEYS[2], event_type, count - applied_count) end
return {reply, redis.call('HGETALL', KEYS[3]), redis.call('SMEMBERS', KEYS[4])}
`;

/**
 * One agent's results in offset order (of one workflow, or a slice of them), applied to its
 * statistics in one step, each guarded by its own marker: the same effects as applying them one by
 * one. A repeat changes nothing and is not counted: the workflow's script counts duplicates, once.
 *
 * KEYS[1] agents (the list of the agent's shard), KEYS[2] agent hash, KEYS[3] samples (event_id
 * scored by processing time), KEYS[4] recent (event_id scored by arrival sequence), then per event
 * its agent-applied marker. ARGV[1] retention seconds, ARGV[2] agent_id, ARGV[3] max samples per
 * agent, then per event three values: event_id, outcome (success|partial|failed),
 * processing_time_ms. Returns how many it applied. The oldest samples beyond the bound leave both
 * sorted sets.
 */
export const APPLY_AGENT_STATISTICS_SCRIPT = `${UNPACK_BOUNDED}
local retention, agent_id, max_samples = ARGV[1], ARGV[2], tonumber(ARGV[3])
local ids, times, successes = {}, {}, 0
for i = 1, #KEYS - 4 do
  if redis.call('SET', KEYS[4 + i], '1', 'NX', 'EX', retention) then
    local a = 1 + 3 * i
    ids[#ids + 1] = ARGV[a]
    if ARGV[a + 1] == 'success' then successes = successes + 1 end
    times[#times + 1] = ARGV[a + 2]
  end
end
local added = #ids
if added == 0 then return 0 end
redis.call('SADD', KEYS[1], agent_id)
local last = redis.call('HINCRBY', KEYS[2], 'count', added)
if successes > 0 then redis.call('HINCRBY', KEYS[2], 'success', successes) end
local by_time, by_sequence = {}, {}
for j = 1, added do
  by_time[2 * j - 1], by_time[2 * j] = times[j], ids[j]
  by_sequence[2 * j - 1], by_sequence[2 * j] = last - added + j, ids[j]
end
call_spread('ZADD', KEYS[3], by_time)
call_spread('ZADD', KEYS[4], by_sequence)
local excess = redis.call('ZCARD', KEYS[4]) - max_samples
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[4], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, excess - 1)
  call_spread('ZREM', KEYS[3], oldest)
end
return added
`;

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
  // Their key counts vary with the number of events: the caller passes it first.
  opalDiagnosticsApplyAgentResults: { lua: APPLY_AGENT_RESULTS_SCRIPT },
  opalDiagnosticsApplyAgentStatistics: { lua: APPLY_AGENT_STATISTICS_SCRIPT },
  opalDiagnosticsApplyWorkflowCompleted: { numberOfKeys: 7, lua: APPLY_WORKFLOW_COMPLETED_SCRIPT },
  opalDiagnosticsApplyDecisionGenerated: { numberOfKeys: 7, lua: APPLY_DECISION_GENERATED_SCRIPT },
  opalDiagnosticsApplyDecisionDegraded: { numberOfKeys: 7, lua: APPLY_DECISION_DEGRADED_SCRIPT },
  opalDiagnosticsMarkDegradedAndClaimAlert: { numberOfKeys: 5, lua: MARK_DEGRADED_AND_CLAIM_ALERT_SCRIPT },
  opalDiagnosticsCompleteAlert: { numberOfKeys: 1, lua: COMPLETE_ALERT_SCRIPT },
  opalDiagnosticsReleaseAlert: { numberOfKeys: 1, lua: RELEASE_ALERT_SCRIPT },
} as const;

export type DiagnosticsScriptName = keyof typeof DIAGNOSTICS_SCRIPTS;
