import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { topicOf, type DecisionGeneratedEvent, type UserPreferencesUpdatedEvent } from '@opal/contracts';
import { RecommendationsService } from './recommendations.service';

/**
 * Handlers of the recommendations consumer group. They get the decoded event after the pipeline
 * claimed its `event_id`; they throw on failure so the pipeline retries, dead-letters or pauses.
 */
@Controller()
export class RecommendationsMessageController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @EventPattern(topicOf('decision.generated'))
  async onDecisionGenerated(@Payload() event: DecisionGeneratedEvent): Promise<void> {
    await this.recommendations.personaliseDecision(event);
  }

  @EventPattern(topicOf('user.preferences.updated'))
  async onPreferencesUpdated(@Payload() event: UserPreferencesUpdatedEvent): Promise<void> {
    await this.recommendations.applyPreferences(event);
  }
}
