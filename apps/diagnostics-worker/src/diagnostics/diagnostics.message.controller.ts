import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
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
import { APPLIED, DUPLICATE, type HandlerOutcome } from '@opal/platform-kafka';
import { DiagnosticsService, type DiagnosticsOutcome } from './diagnostics.service';

const outcomeOf = ({ applied }: DiagnosticsOutcome): HandlerOutcome => (applied ? APPLIED : DUPLICATE);

/**
 * Handlers of the diagnostics consumer group, one per topic: diagnostics counts every event type.
 * Each applies its event with one apply-once script and reports `applied` or `duplicate`; they
 * throw on failure so the pipeline retries, dead-letters or pauses.
 */
@Controller()
export class DiagnosticsMessageController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @EventPattern(topicOf('workflow.started'))
  async onWorkflowStarted(@Payload() event: WorkflowStartedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onWorkflowStarted(event));
  }

  @EventPattern(topicOf('agent.completed'))
  async onAgentCompleted(@Payload() event: AgentCompletedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onAgentCompleted(event));
  }

  @EventPattern(topicOf('workflow.completed'))
  async onWorkflowCompleted(@Payload() event: WorkflowCompletedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onWorkflowCompleted(event));
  }

  @EventPattern(topicOf('decision.generated'))
  async onDecisionGenerated(@Payload() event: DecisionGeneratedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onDecisionGenerated(event));
  }

  @EventPattern(topicOf('knowledge.upserted'))
  async onKnowledgeUpserted(@Payload() event: KnowledgeUpsertedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onKnowledgeUpserted(event));
  }

  @EventPattern(topicOf('decision.degraded'))
  async onDecisionDegraded(@Payload() event: DecisionDegradedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onDecisionDegraded(event));
  }

  @EventPattern(topicOf('user.preferences.updated'))
  async onPreferencesUpdated(@Payload() event: UserPreferencesUpdatedEvent): Promise<HandlerOutcome> {
    return outcomeOf(await this.diagnostics.onPreferencesUpdated(event));
  }
}
