import { Injectable, Logger } from '@nestjs/common';
import type { DecisionGeneratedEvent, UserPreferencesUpdatedEvent } from '@opal/contracts';
import { personaliseRecommendations } from './recommendations.personalisation';
import { RecommendationsRepository } from './recommendations.repository';
import type { PreferencesWrite } from './recommendations.scripts';
import type { PersonalisedDecision } from './recommendations.types';

/** What handling a `decision.generated` left in Redis. */
export interface DecisionOutcome {
  /** false when a set for this decision was already stored (a redelivery or a re-run): it was kept. */
  stored: boolean;
  /** The set now served for the decision. */
  decision: PersonalisedDecision;
}

/**
 * The recommendations worker's use cases. Every write is idempotent per event, so the at-least-once
 * pipeline may run a handler twice without a second effect; errors (Redis down) propagate.
 */
@Injectable()
export class RecommendationsService {
  private readonly logger = new Logger(RecommendationsService.name);

  constructor(private readonly repository: RecommendationsRepository) {}

  /** Keeps the event's preferences as the user's latest unless newer (or equally new) ones are stored. */
  async applyPreferences(event: UserPreferencesUpdatedEvent): Promise<PreferencesWrite> {
    const write = await this.repository.savePreferences({
      user_id: event.user_id,
      client_name: event.client_name,
      preferences: event.preferences,
      updated_at: event.updated_at,
      event_id: event.event_id,
    });
    if (write === 'stale') this.logger.debug(logFields(event), 'preferences not newer than the stored ones: ignored');
    return write;
  }

  /**
   * Personalises the decision with its user's latest preferences (defaults without a user or
   * without stored preferences) and stores the result, unless a set for the decision exists.
   */
  async personaliseDecision(event: DecisionGeneratedEvent): Promise<DecisionOutcome> {
    const stored = event.user_id === null ? null : await this.repository.findPreferences(event.user_id);
    const personalised = personaliseRecommendations(event.recommendations, stored?.preferences ?? null);
    const decision: PersonalisedDecision = {
      decision_id: event.decision_id,
      workflow_id: event.workflow_id,
      user_id: event.user_id,
      ...personalised,
    };
    if (await this.repository.saveDecision(decision)) return { stored: true, decision };
    this.logger.debug({ ...logFields(event), workflow_id: event.workflow_id }, 'decision already personalised: kept the stored set');
    // The stored set can only be missing here if it expired in between; ours is then as good.
    return { stored: false, decision: (await this.repository.findDecision(event.decision_id)) ?? decision };
  }

  findDecision(decisionId: string): Promise<PersonalisedDecision | null> {
    return this.repository.findDecision(decisionId);
  }
}

/** Ids that trace an event; never the user id or preferences (PII). */
const logFields = (event: { event_id: string; correlation_id: string }) => ({
  event_id: event.event_id,
  correlation_id: event.correlation_id,
});
