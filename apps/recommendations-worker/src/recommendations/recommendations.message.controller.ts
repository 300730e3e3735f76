import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { topicOf, type DecisionGeneratedEvent, type UserPreferencesUpdatedEvent } from '@opal/contracts';
import { APPLIED, DUPLICATE, type HandlerOutcome } from '@opal/platform-kafka';
import { RecommendationsService } from './recommendations.service';

/**
 * Handlers of the recommendations consumer group. Each write is atomic and idempotent (first set per
 * decision wins; preferences by `updated_at`, a redelivery recognised by its `event_id`), so the
 * handlers report `duplicate` themselves; they throw on failure so the pipeline retries,
 * dead-letters or pauses.
 */
@Controller()
export class RecommendationsMessageController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @EventPattern(topicOf('decision.generated'))
  async onDecisionGenerated(@Payload() event: DecisionGeneratedEvent): Promise<HandlerOutcome> {
    const { stored } = await this.recommendations.personaliseDecision(event);
    return stored ? APPLIED : DUPLICATE;
  }

  @EventPattern(topicOf('user.preferences.updated'))
  /** Stale preferences are processed (their effect is none: newer ones are kept); only a redelivery is a duplicate. */
  async onPreferencesUpdated(@Payload() event: UserPreferencesUpdatedEvent): Promise<HandlerOutcome> {
    return (await this.recommendations.applyPreferences(event)) === 'redelivered' ? DUPLICATE : APPLIED;
  }
}
