/**
 * Every Redis key of the diagnostics worker, under `prefix`. Ids are the last segment and each
 * structure has its own namespace, so no id (ids may contain ':') can reach another key.
 */
export const diagnosticsKeys = (prefix: string) => ({
  applied: (eventId: string) => `${prefix}applied:${eventId}`,
  processed: `${prefix}counters:processed`,
  duplicates: `${prefix}counters:duplicates`,
  workflows: `${prefix}workflows`,
  degradedWorkflows: `${prefix}workflows-degraded`,
  workflow: (workflowId: string) => `${prefix}workflow:${workflowId}`,
  reasons: (workflowId: string) => `${prefix}workflow-reasons:${workflowId}`,
  alert: (metric: string, workflowId: string) => `${prefix}alert:${metric}:${workflowId}`,
  agents: `${prefix}agents`,
  agent: (agentId: string) => `${prefix}agent:${agentId}`,
  samples: (agentId: string) => `${prefix}agent-samples:${agentId}`,
  recent: (agentId: string) => `${prefix}agent-recent:${agentId}`,
});

export type DiagnosticsKeys = ReturnType<typeof diagnosticsKeys>;
