import agentCompleted from './fixtures/agent.completed.json';
import decisionDegraded from './fixtures/decision.degraded.json';
import decisionGenerated from './fixtures/decision.generated.json';
import knowledgeUpserted from './fixtures/knowledge.upserted.json';
import userPreferencesUpdated from './fixtures/user.preferences.updated.json';
import workflowCompleted from './fixtures/workflow.completed.json';
import workflowStarted from './fixtures/workflow.started.json';
import type { EventPayloadByType } from './lib/generated/contracts.generated';
import type { EventType } from './lib/topic-catalogue';
import { ENVELOPE_FIELDS } from './lib/envelope';

// Static imports, so bundled tools (kafka:test-producer) carry the fixtures too.
const FIXTURES: Record<EventType, unknown> = {
  'workflow.started': workflowStarted,
  'agent.completed': agentCompleted,
  'workflow.completed': workflowCompleted,
  'decision.generated': decisionGenerated,
  'knowledge.upserted': knowledgeUpserted,
  'decision.degraded': decisionDegraded,
  'user.preferences.updated': userPreferencesUpdated,
};

/**
 * A realistic, schema-valid payload of an event type (`src/fixtures/<event type>.json`), envelope
 * included. Every call returns a fresh deep copy, so callers may mutate it.
 */
export const loadFixture = <T extends EventType>(eventType: T): EventPayloadByType[T] =>
  structuredClone(FIXTURES[eventType]) as EventPayloadByType[T];

const ENVELOPE = new Set<string>(ENVELOPE_FIELDS);

/** A fixture's type-specific fields, envelope left out: what OPAL sends under a webhook's `data`. */
export const fixtureData = (eventType: EventType): Record<string, unknown> =>
  Object.fromEntries(Object.entries(loadFixture(eventType)).filter(([field]) => !ENVELOPE.has(field)));
