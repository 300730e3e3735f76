import { getRedisConnectionToken } from '@nestjs-modules/ioredis';
import { Test, type TestingModule } from '@nestjs/testing';
import type { DecisionGeneratedEvent, UserPreferencesUpdatedEvent } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import type { Redis } from 'ioredis';
import { RecommendationsMessageController } from '../src/recommendations/recommendations.message.controller';
import { DEFAULT_PREFERENCES } from '../src/recommendations/recommendations.personalisation';
import { RecommendationsService } from '../src/recommendations/recommendations.service';
import { connectRedis, deleteKeys, recommendationsTestModule, uniqueKeyPrefix } from './support/recommendations-redis';

const preferencesEvent = (overrides: Partial<UserPreferencesUpdatedEvent> = {}): UserPreferencesUpdatedEvent => ({
  ...loadFixture('user.preferences.updated'),
  ...overrides,
});

const decisionEvent = (overrides: Partial<DecisionGeneratedEvent> = {}): DecisionGeneratedEvent => ({
  ...loadFixture('decision.generated'),
  ...overrides,
});

describe(`${RecommendationsMessageController.name} (real Redis)`, () => {
  const keyPrefix = uniqueKeyPrefix('handlers');
  let moduleRef: TestingModule;
  let handlers: RecommendationsMessageController;
  let service: RecommendationsService;
  let redis: Redis;

  beforeAll(async () => {
    redis = await connectRedis();
    moduleRef = await Test.createTestingModule({ imports: [recommendationsTestModule(keyPrefix)] }).compile();
    await moduleRef.init();
    handlers = moduleRef.get(RecommendationsMessageController);
    service = moduleRef.get(RecommendationsService);
  });

  afterAll(async () => {
    await deleteKeys(redis, keyPrefix);
    await redis.quit();
    // RedisModule tracks connections in a static set that closing any module clears: make sure ours ends.
    const connection = moduleRef.get<Redis>(getRedisConnectionToken());
    await moduleRef.close();
    if (connection.status !== 'end') await connection.quit();
  });

  it('should personalise a decision with the latest preferences, even when they arrived out of order', async () => {
    const user = 'user-out-of-order';
    await handlers.onPreferencesUpdated([
      preferencesEvent({
        user_id: user,
        event_id: 'evt-newer',
        updated_at: 2_000,
        preferences: { ...preferencesEvent().preferences, max_recommendations: 1 },
      }),
    ]);
    await handlers.onPreferencesUpdated([
      preferencesEvent({
        user_id: user,
        event_id: 'evt-older',
        updated_at: 1_000,
        preferences: { ...DEFAULT_PREFERENCES, excluded_categories: [], priority_categories: [] },
      }),
    ]);

    await handlers.onDecisionGenerated([decisionEvent({ decision_id: 'dec-out-of-order', user_id: user })]);

    const stored = await service.findDecision('dec-out-of-order');
    expect(stored?.recommendations.map((recommendation) => recommendation.id)).toEqual(['rec-002']);
    expect(stored?.applied_preferences.max_recommendations).toBe(1);
  });

  it('should apply the defaults to a decision without a user', async () => {
    await handlers.onDecisionGenerated([decisionEvent({ decision_id: 'dec-no-user', user_id: null })]);

    const stored = await service.findDecision('dec-no-user');
    expect(stored).toMatchObject({
      decision_id: 'dec-no-user',
      user_id: null,
      applied_preferences: DEFAULT_PREFERENCES,
    });
    expect(stored?.recommendations.map((recommendation) => recommendation.id)).toEqual([
      'rec-001',
      'rec-002',
      'rec-003',
      'rec-004',
    ]);
  });

  it('should apply the defaults to a user with no stored preferences', async () => {
    await handlers.onDecisionGenerated([
      decisionEvent({ decision_id: 'dec-unknown-user', user_id: 'user-never-seen' }),
    ]);

    const stored = await service.findDecision('dec-unknown-user');
    expect(stored).toMatchObject({ user_id: 'user-never-seen', applied_preferences: DEFAULT_PREFERENCES });
    expect(stored?.recommendations).toHaveLength(4);
  });

  it('should keep the first personalised set when the same decision is handled again after the preferences changed', async () => {
    const user = 'user-rerun';
    await handlers.onDecisionGenerated([decisionEvent({ decision_id: 'dec-rerun', user_id: user })]);
    await handlers.onPreferencesUpdated([preferencesEvent({ user_id: user })]);

    const rerun = await service.personaliseDecision(decisionEvent({ decision_id: 'dec-rerun', user_id: user }));

    expect(rerun.stored).toBe(false);
    expect(rerun.decision.applied_preferences).toEqual(DEFAULT_PREFERENCES);
    expect(await service.findDecision('dec-rerun')).toEqual(rerun.decision);
  });

  it('should reject, not swallow, a Redis failure', async () => {
    const failing = await Test.createTestingModule({ imports: [recommendationsTestModule(keyPrefix)] }).compile();
    await failing.init();
    await failing.close();

    await expect(
      failing
        .get(RecommendationsMessageController)
        .onDecisionGenerated([decisionEvent({ decision_id: 'dec-redis-closed' })]),
    ).rejects.toThrow(/Connection is closed/);
    expect(await service.findDecision('dec-redis-closed')).toBeNull();
  });
});
