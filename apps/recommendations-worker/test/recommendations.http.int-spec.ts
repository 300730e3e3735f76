import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadFixture } from '@opal/contracts/testing';
import { ObservabilityModule } from '@opal/platform-observability';
import { createHttpApp } from '@opal/platform-runtime';
import type { Redis } from 'ioredis';
import { RecommendationsService } from '../src/recommendations/recommendations.service';
import { connectRedis, deleteKeys, recommendationsTestModule, uniqueKeyPrefix } from './support/recommendations-redis';

describe('GET /v1/recommendations/:decisionId (real Redis)', () => {
  const keyPrefix = uniqueKeyPrefix('http');
  let app: NestFastifyApplication;
  let redis: Redis;

  beforeAll(async () => {
    redis = await connectRedis();
    // As the app is wired: createHttpApp (problem+json filter) needs the JSON logger of ObservabilityModule.
    app = await createHttpApp({
      module: class RecommendationsHttpTestModule {},
      imports: [ObservabilityModule.forRoot({ appName: 'recommendations-worker-it', logLevel: 'error' }), recommendationsTestModule(keyPrefix)],
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await app.get(RecommendationsService).applyPreferences(loadFixture('user.preferences.updated'));
    await app.get(RecommendationsService).personaliseDecision(loadFixture('decision.generated'));
  });

  afterAll(async () => {
    await deleteKeys(redis, keyPrefix);
    await redis.quit();
    await app?.close();
  });

  it('should answer 200 with the personalised set of a processed decision', async () => {
    const decision = loadFixture('decision.generated');

    const response = await app.inject({ method: 'GET', url: `/v1/recommendations/${decision.decision_id}` });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      decision_id: decision.decision_id,
      workflow_id: decision.workflow_id,
      user_id: decision.user_id,
      recommendations: [decision.recommendations[1], decision.recommendations[0]],
      applied_preferences: loadFixture('user.preferences.updated').preferences,
    });
  });

  it('should answer 404 problem+json for an unknown decision', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/recommendations/dec-never-generated',
      headers: { 'x-correlation-id': 'corr-reco-404' },
    });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: '/problems/decision-not-found',
      title: 'Decision not found',
      status: 404,
      detail: expect.any(String),
      instance: '/v1/recommendations/dec-never-generated',
      correlation_id: 'corr-reco-404',
    });
  });

  it.each([
    ['an id with a space', 'dec%20one'],
    ['an id with an encoded slash', 'dec%2Fone'],
    ['an id with a non-ASCII letter', 'd%C3%A9c'],
  ])('should answer 400 problem+json for %s', async (_, id) => {
    const response = await app.inject({ method: 'GET', url: `/v1/recommendations/${id}` });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/invalid-decision-id', status: 400, errors: [{ path: 'decisionId' }] });
  });
});
