import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { topicOf, type DecisionGeneratedEvent, type UserPreferencesUpdatedEvent } from '@opal/contracts';
import { APPLIED, DUPLICATE, KeyGroupPattern, handleEachInOrder, type HandlerOutcome } from '@opal/platform-kafka';
import { RecommendationsService } from './recommendations.service';

/**
 * Handlers of the recommendations consumer group. Each takes one key's events of a batch
 * (`KeyGroupPattern`, offset order) and handles them at once: a group's decisions read their
 * preferences in one call and store their sets in another; preferences updates share writes on
 * the connection. Each write is atomic and idempotent (first set per decision
 * wins; preferences by `updated_at`, a redelivery recognised by its `event_id`), so the handlers
 * report `duplicate` per event themselves; they throw on failure so the pipeline handles the
 * records one at a time (retry, dead-letter or pause).
 */
@Controller()
export class RecommendationsMessageController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @KeyGroupPattern(topicOf('decision.generated'))
  onDecisionGenerated(@Payload() events: DecisionGeneratedEvent[]): Promise<HandlerOutcome[]> {
    return this.recommendations
      .personaliseDecisions(events)
      .then((outcomes) => outcomes.map((outcome) => (outcome.stored ? APPLIED : DUPLICATE)));
  }

  /** Stale preferences are processed (their effect is none: newer ones are kept); only a redelivery is a duplicate. */
  @KeyGroupPattern(topicOf('user.preferences.updated'))
  onPreferencesUpdated(@Payload() events: UserPreferencesUpdatedEvent[]): Promise<HandlerOutcome[]> {
    return handleEachInOrder(events, async (event) =>
      (await this.recommendations.applyPreferences(event)) === 'redelivered' ? DUPLICATE : APPLIED,
    );
  }
}
