import { Test } from '@nestjs/testing';
import type { DecisionGeneratedEvent, UserPreferencesUpdatedEvent } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { DEFAULT_PREFERENCES } from './recommendations.personalisation';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';
import type { PreferencesWrite } from './recommendations.scripts';
import type { PersonalisedDecision, StoredPreferences } from './recommendations.types';

/** The repository's contract (newer-wins preferences, first-write-wins decisions) in memory. */
class InMemoryRecommendationsRepository {
  readonly preferences = new Map<string, StoredPreferences>();
  readonly decisions = new Map<string, PersonalisedDecision>();

  async savePreferences(preferences: StoredPreferences): Promise<PreferencesWrite> {
    const current = this.preferences.get(preferences.user_id);
    if (current?.event_id === preferences.event_id) return 'redelivered';
    if (current && current.updated_at >= preferences.updated_at) return 'stale';
    this.preferences.set(preferences.user_id, structuredClone(preferences));
    return 'stored';
  }

  async findPreferencesOf(userIds: readonly string[]): Promise<Map<string, StoredPreferences>> {
    const found = new Map<string, StoredPreferences>();
    for (const userId of userIds) {
      const stored = this.preferences.get(userId);
      if (stored) found.set(userId, structuredClone(stored));
    }
    return found;
  }

  async saveDecisions(decisions: readonly PersonalisedDecision[]): Promise<boolean[]> {
    return decisions.map((decision) => {
      if (this.decisions.has(decision.decision_id)) return false;
      this.decisions.set(decision.decision_id, structuredClone(decision));
      return true;
    });
  }

  async findDecision(decisionId: string): Promise<PersonalisedDecision | null> {
    return structuredClone(this.decisions.get(decisionId) ?? null);
  }
}

const preferencesEvent = (overrides: Partial<UserPreferencesUpdatedEvent> = {}): UserPreferencesUpdatedEvent => ({
  ...loadFixture('user.preferences.updated'),
  ...overrides,
});

const decisionEvent = (overrides: Partial<DecisionGeneratedEvent> = {}): DecisionGeneratedEvent => ({
  ...loadFixture('decision.generated'),
  ...overrides,
});

const ids = (decision: PersonalisedDecision) => decision.recommendations.map((recommendation) => recommendation.id);

describe(RecommendationsService.name, () => {
  let service: RecommendationsService;
  let repository: InMemoryRecommendationsRepository;

  beforeEach(async () => {
    repository = new InMemoryRecommendationsRepository();
    const moduleRef = await Test.createTestingModule({
      providers: [RecommendationsService, { provide: RecommendationsRepository, useValue: repository }],
    }).compile();
    service = moduleRef.get(RecommendationsService);
  });

  describe('applyPreferences', () => {
    it('should store the user, client, preferences, updated_at and event id', async () => {
      const event = preferencesEvent();

      await expect(service.applyPreferences(event)).resolves.toBe('stored');

      expect(repository.preferences.get(event.user_id)).toEqual({
        user_id: event.user_id,
        client_name: event.client_name,
        preferences: event.preferences,
        updated_at: event.updated_at,
        event_id: event.event_id,
      });
    });

    it('should keep the newer preferences when an older update arrives after it', async () => {
      const newer = preferencesEvent({ event_id: 'newer', updated_at: 2_000 });
      const older = preferencesEvent({ event_id: 'older', updated_at: 1_000 });

      await service.applyPreferences(newer);
      await expect(service.applyPreferences(older)).resolves.toBe('stale');

      expect(repository.preferences.get(newer.user_id)?.event_id).toBe('newer');
    });

    it('should propagate a repository failure', async () => {
      const failure = new Error('Connection is closed.');
      jest.spyOn(repository, 'savePreferences').mockRejectedValueOnce(failure);

      await expect(service.applyPreferences(preferencesEvent())).rejects.toBe(failure);
    });
  });

  describe('personaliseDecision', () => {
    it('should apply the user’s stored preferences and store the personalised set', async () => {
      await service.applyPreferences(preferencesEvent());
      const event = decisionEvent();

      const outcome = await service.personaliseDecision(event);

      expect(outcome.stored).toBe(true);
      expect(ids(outcome.decision)).toEqual(['rec-002', 'rec-001']);
      expect(outcome.decision).toMatchObject({
        decision_id: event.decision_id,
        workflow_id: event.workflow_id,
        user_id: event.user_id,
        applied_preferences: preferencesEvent().preferences,
      });
      expect(repository.decisions.get(event.decision_id)).toEqual(outcome.decision);
    });

    it('should apply the defaults to a decision without a user', async () => {
      await service.applyPreferences(preferencesEvent());

      const { decision } = await service.personaliseDecision(decisionEvent({ user_id: null }));

      expect(decision.user_id).toBeNull();
      expect(decision.applied_preferences).toEqual(DEFAULT_PREFERENCES);
      expect(ids(decision)).toEqual(['rec-001', 'rec-002', 'rec-003', 'rec-004']);
    });

    it('should apply the defaults to a user with no stored preferences', async () => {
      const { decision } = await service.personaliseDecision(decisionEvent({ user_id: 'user-without-preferences' }));

      expect(decision.applied_preferences).toEqual(DEFAULT_PREFERENCES);
      expect(decision.recommendations).toHaveLength(4);
    });

    it('should keep the first stored set when the decision is handled again with other preferences', async () => {
      const first = await service.personaliseDecision(decisionEvent());
      await service.applyPreferences(preferencesEvent());

      const second = await service.personaliseDecision(decisionEvent());

      expect(second).toEqual({ stored: false, decision: first.decision });
      expect(repository.decisions.get(decisionEvent().decision_id)?.applied_preferences).toEqual(DEFAULT_PREFERENCES);
    });

    it('should propagate a repository failure without storing anything', async () => {
      const failure = new Error('Command timed out');
      jest.spyOn(repository, 'findPreferencesOf').mockRejectedValueOnce(failure);

      await expect(service.personaliseDecision(decisionEvent())).rejects.toBe(failure);
      expect(repository.decisions.size).toBe(0);
    });
  });

  describe('personaliseDecisions', () => {
    it("should personalise a group's decisions with each one's user, reading the preferences once and storing all at once", async () => {
      await service.applyPreferences(preferencesEvent());
      const reads = jest.spyOn(repository, 'findPreferencesOf');
      const writes = jest.spyOn(repository, 'saveDecisions');
      const withUser = decisionEvent({ decision_id: 'dec-user' });
      const withoutUser = decisionEvent({ decision_id: 'dec-anonymous', user_id: null });
      const again = decisionEvent({ decision_id: 'dec-user-again' });

      const outcomes = await service.personaliseDecisions([withUser, withoutUser, again]);

      expect(outcomes.map(({ stored, decision }) => [stored, decision.decision_id, ids(decision)])).toEqual([
        [true, 'dec-user', ['rec-002', 'rec-001']],
        [true, 'dec-anonymous', ['rec-001', 'rec-002', 'rec-003', 'rec-004']],
        [true, 'dec-user-again', ['rec-002', 'rec-001']],
      ]);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(writes).toHaveBeenCalledTimes(1);
    });

    it('should keep the first set of a decision that comes twice in one group, and report the second as not stored', async () => {
      const first = decisionEvent();
      const repeat = { ...decisionEvent(), event_id: 'redelivered' };

      const outcomes = await service.personaliseDecisions([first, repeat]);

      expect(outcomes.map((outcome) => outcome.stored)).toEqual([true, false]);
      expect(outcomes[1]?.decision).toEqual(outcomes[0]?.decision);
    });
  });

  describe('findDecision', () => {
    it('should return a stored decision, or null for an unknown one', async () => {
      const { decision } = await service.personaliseDecision(decisionEvent());

      await expect(service.findDecision(decision.decision_id)).resolves.toEqual(decision);
      await expect(service.findDecision('dec-unknown')).resolves.toBeNull();
    });
  });
});
