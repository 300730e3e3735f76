import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  topicOf,
  type AgentCompletedEvent,
  type DecisionDegradedEvent,
  type DecisionGeneratedEvent,
  type KnowledgeUpsertedEvent,
  type UserPreferencesUpdatedEvent,
  type WorkflowCompletedEvent,
  type WorkflowStartedEvent,
} from '@opal/contracts';
import { APPLIED, DUPLICATE, KeyGroupPattern, handleEachInOrder, type HandlerOutcome } from '@opal/platform-kafka';
import { DiagnosticsService, type DiagnosticsOutcome } from './diagnostics.service';

const outcomeOf = ({ applied }: DiagnosticsOutcome): HandlerOutcome => (applied ? APPLIED : DUPLICATE);

/**
 * Handlers of the diagnostics consumer group, one per topic: diagnostics counts every event type.
 * Each takes one key's events of a batch (`KeyGroupPattern`, offset order), applies each with one
 * apply-once script and reports `applied` or `duplicate` per event; it throws on failure so the
 * pipeline handles the records one at a time (retry, dead-letter or pause). The service issues
 * each event's script before its first await, so `handleEachInOrder` queues them on the Redis
 * connection in offset order, and Redis applies them in that order. Agent results, a workflow's
 * most numerous events, go to the service as the whole group: one script applies a workflow's, and
 * one per agent its statistics.
 */
@Controller()
export class DiagnosticsMessageController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @KeyGroupPattern(topicOf('workflow.started'))
  onWorkflowStarted(@Payload() events: WorkflowStartedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onWorkflowStarted(event)));
  }

  @KeyGroupPattern(topicOf('agent.completed'))
  onAgentCompleted(@Payload() events: AgentCompletedEvent[]): Promise<HandlerOutcome[]> {
    return this.diagnostics.onAgentResults(events).then((outcomes) => outcomes.map(outcomeOf));
  }

  @KeyGroupPattern(topicOf('workflow.completed'))
  onWorkflowCompleted(@Payload() events: WorkflowCompletedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onWorkflowCompleted(event)));
  }

  @KeyGroupPattern(topicOf('decision.generated'))
  onDecisionGenerated(@Payload() events: DecisionGeneratedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onDecisionGenerated(event)));
  }

  @KeyGroupPattern(topicOf('knowledge.upserted'))
  onKnowledgeUpserted(@Payload() events: KnowledgeUpsertedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onKnowledgeUpserted(event)));
  }

  @KeyGroupPattern(topicOf('decision.degraded'))
  onDecisionDegraded(@Payload() events: DecisionDegradedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onDecisionDegraded(event)));
  }

  @KeyGroupPattern(topicOf('user.preferences.updated'))
  onPreferencesUpdated(@Payload() events: UserPreferencesUpdatedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) => outcomeOf(await this.diagnostics.onPreferencesUpdated(event)));
  }
}
