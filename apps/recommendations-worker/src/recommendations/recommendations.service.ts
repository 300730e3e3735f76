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
    const [outcome] = await this.personaliseDecisions([event]);
    return outcome as DecisionOutcome;
  }

  /**
   * `personaliseDecision` for a key group's decisions, in offset order: the preferences they need
   * are read in one call and their sets stored in another, instead of two round trips each.
   */
  async personaliseDecisions(events: readonly DecisionGeneratedEvent[]): Promise<DecisionOutcome[]> {
    const userIds = events.flatMap((event) => (event.user_id === null ? [] : [event.user_id]));
    const preferences = await this.repository.findPreferencesOf(userIds);
    const decisions = events.map((event): PersonalisedDecision => {
      const stored = event.user_id === null ? undefined : preferences.get(event.user_id);
      return {
        decision_id: event.decision_id,
        workflow_id: event.workflow_id,
        user_id: event.user_id,
        ...personaliseRecommendations(event.recommendations, stored?.preferences ?? null),
      };
    });
    const stored = await this.repository.saveDecisions(decisions);
    return Promise.all(
      decisions.map(async (decision, i): Promise<DecisionOutcome> => {
        if (stored[i]) return { stored: true, decision };
        const event = events[i] as DecisionGeneratedEvent;
        this.logger.debug(
          { ...logFields(event), workflow_id: event.workflow_id },
          'decision already personalised: kept the stored set',
        );
        // The stored set can only be missing here if it expired in between; ours is then as good.
        return { stored: false, decision: (await this.repository.findDecision(event.decision_id)) ?? decision };
      }),
    );
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
