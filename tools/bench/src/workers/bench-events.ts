import { randomUUID } from 'node:crypto';
import {
  SCHEMA_VERSION,
  type AgentCompletedEvent,
  type DecisionGeneratedEvent,
  type UserPreferencesUpdatedEvent,
} from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';

/**
 * How many distinct workflows, agents and users a run spreads its events over. Fixed, so the
 * cleanup knows every id a run can have used without remembering them.
 */
export const BENCH_ID_SPACE = { workflows: 500, agents: 7, users: 200 } as const;

/** Every entity id a run creates carries the run id, so its Redis state can be found and deleted. */
export function benchIds(run: string) {
  return {
    workflowId: (i: number) => `bench-${run}-wf-${i % BENCH_ID_SPACE.workflows}`,
    agentId: (i: number) => `bench-${run}-agent-${i % BENCH_ID_SPACE.agents}`,
    userId: (i: number) => `bench-${run}-user-${i % BENCH_ID_SPACE.users}`,
    decisionId: (i: number) => `bench-${run}-dec-${i}`,
  };
}

export type BenchIds = ReturnType<typeof benchIds>;

/** The envelope of ARCHITECTURE.md §2 with a fresh event_id: every bench event is distinct. */
function envelope(run: string, i: number) {
  return {
    schema_version: SCHEMA_VERSION,
    event_id: randomUUID(),
    correlation_id: `bench-${run}-${i}`,
    timestamp: Date.now(),
    source_system: 'bench',
    environment: 'development' as const,
  };
}

/** The fields after the envelope of a fixture, i.e. what a webhook's `data` holds. */
export function agentCompletedData(ids: BenchIds, i: number) {
  const fixture = loadFixture('agent.completed');
  return {
    workflow_id: ids.workflowId(i),
    agent_id: ids.agentId(i),
    offset: 1 + (i % 12),
    // Always a success: a failing workflow would raise alerts into opal.decision.degraded.
    execution_status: 'success' as const,
    processing_time_ms: 100 + (i % 400),
    agent_data: fixture.agent_data,
    error_message: null,
  };
}

export function agentCompletedEvent(run: string, ids: BenchIds, i: number): AgentCompletedEvent {
  return { ...envelope(run, i), ...agentCompletedData(ids, i) };
}

export function decisionGeneratedEvent(run: string, ids: BenchIds, i: number): DecisionGeneratedEvent {
  const fixture = loadFixture('decision.generated');
  return {
    ...envelope(run, i),
    decision_id: ids.decisionId(i),
    workflow_id: ids.workflowId(i),
    user_id: ids.userId(i),
    client_name: fixture.client_name,
    recommendations: fixture.recommendations,
    overall_confidence: fixture.overall_confidence,
  };
}

export function preferencesUpdatedEvent(run: string, ids: BenchIds, i: number): UserPreferencesUpdatedEvent {
  const fixture = loadFixture('user.preferences.updated');
  const now = Date.now();
  return {
    ...envelope(run, i),
    user_id: ids.userId(i),
    client_name: fixture.client_name,
    preferences: fixture.preferences,
    updated_at: now,
  };
}
