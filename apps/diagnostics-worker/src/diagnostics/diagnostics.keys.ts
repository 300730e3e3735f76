/**
 * Every Redis key of the diagnostics worker, under `prefix`. Ids are the last segment and each
 * structure has its own namespace, so no id (ids may contain ':') can reach another key. The
 * workflow indexes are sorted sets by last activity; their names differ from the plain sets of
 * earlier versions so an old store is never read as the wrong type.
 */
export const diagnosticsKeys = (prefix: string) => ({
  applied: (eventId: string) => `${prefix}applied:${eventId}`,
  processed: `${prefix}counters:processed`,
  duplicates: `${prefix}counters:duplicates`,
  workflows: `${prefix}workflows-by-activity`,
  degradedWorkflows: `${prefix}workflows-degraded-by-activity`,
  workflow: (workflowId: string) => `${prefix}workflow:${workflowId}`,
  reasons: (workflowId: string) => `${prefix}workflow-reasons:${workflowId}`,
  alert: (metric: string, workflowId: string) => `${prefix}alert:${metric}:${workflowId}`,
  agents: `${prefix}agents`,
  agent: (agentId: string) => `${prefix}agent:${agentId}`,
  samples: (agentId: string) => `${prefix}agent-samples:${agentId}`,
  recent: (agentId: string) => `${prefix}agent-recent:${agentId}`,
});

export type DiagnosticsKeys = ReturnType<typeof diagnosticsKeys>;
