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
import { DiagnosticsService } from './diagnostics.service';

/**
 * Handlers of the diagnostics consumer group, one per topic: diagnostics counts every event type.
 * They get the decoded event after the pipeline claimed its `event_id`, and throw on failure so
 * the pipeline retries, dead-letters or pauses.
 */
@Controller()
export class DiagnosticsMessageController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @EventPattern(topicOf('workflow.started'))
  async onWorkflowStarted(@Payload() event: WorkflowStartedEvent): Promise<void> {
    await this.diagnostics.onWorkflowStarted(event);
  }

  @EventPattern(topicOf('agent.completed'))
  async onAgentCompleted(@Payload() event: AgentCompletedEvent): Promise<void> {
    await this.diagnostics.onAgentCompleted(event);
  }

  @EventPattern(topicOf('workflow.completed'))
  async onWorkflowCompleted(@Payload() event: WorkflowCompletedEvent): Promise<void> {
    await this.diagnostics.onWorkflowCompleted(event);
  }

  @EventPattern(topicOf('decision.generated'))
  async onDecisionGenerated(@Payload() event: DecisionGeneratedEvent): Promise<void> {
    await this.diagnostics.onDecisionGenerated(event);
  }

  @EventPattern(topicOf('knowledge.upserted'))
  async onKnowledgeUpserted(@Payload() event: KnowledgeUpsertedEvent): Promise<void> {
    await this.diagnostics.onKnowledgeUpserted(event);
  }

  @EventPattern(topicOf('decision.degraded'))
  async onDecisionDegraded(@Payload() event: DecisionDegradedEvent): Promise<void> {
    await this.diagnostics.onDecisionDegraded(event);
  }

  @EventPattern(topicOf('user.preferences.updated'))
  async onPreferencesUpdated(@Payload() event: UserPreferencesUpdatedEvent): Promise<void> {
    await this.diagnostics.onPreferencesUpdated(event);
  }
}
