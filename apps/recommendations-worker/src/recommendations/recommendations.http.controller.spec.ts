import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ProblemDetailsFilter } from '@opal/platform-runtime';
import { RecommendationsHttpController } from './recommendations.http.controller';
import { DEFAULT_PREFERENCES } from './recommendations.personalisation';
import { RecommendationsService } from './recommendations.service';
import type { PersonalisedDecision } from './recommendations.types';

const stored: PersonalisedDecision = {
  decision_id: 'dec-1',
  workflow_id: 'wf-1',
  user_id: 'user-1',
  recommendations: [{ id: 'rec-1', title: 'Do this', category: 'content', confidence: 0.9 }],
  applied_preferences: { ...DEFAULT_PREFERENCES, excluded_categories: ['email'], priority_categories: [] },
};

describe(RecommendationsHttpController.name, () => {
  let app: NestFastifyApplication;
  const findDecision = jest.fn<Promise<PersonalisedDecision | null>, [string]>();

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [RecommendationsHttpController],
      providers: [{ provide: RecommendationsService, useValue: { findDecision } }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  beforeEach(() => findDecision.mockReset());

  describe('getDecision', () => {
    it('should answer 200 with exactly the contract fields of the stored decision', async () => {
      findDecision.mockResolvedValue({ ...stored, ...{ internal: 'not served' } });

      const response = await app.inject({ method: 'GET', url: '/v1/recommendations/dec-1' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(stored);
      expect(findDecision).toHaveBeenCalledWith('dec-1');
    });

    it('should answer 404 problem+json for an unknown decision', async () => {
      findDecision.mockResolvedValue(null);

      const response = await app.inject({ method: 'GET', url: '/v1/recommendations/dec-unknown' });

      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        type: '/problems/decision-not-found',
        status: 404,
        instance: '/v1/recommendations/dec-unknown',
      });
    });

    it.each([
      ['a space', 'dec%201'],
      ['a slash', 'dec%2F1'],
      ['a non-ASCII letter', 'd%C3%A9c-1'],
      ['a quote', "dec'1"],
    ])('should answer 400 problem+json for an id with %s, without a look-up', async (_, id) => {
      const response = await app.inject({ method: 'GET', url: `/v1/recommendations/${id}` });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        type: '/problems/invalid-decision-id',
        status: 400,
        errors: [{ path: 'decisionId', message: expect.any(String) }],
      });
      expect(findDecision).not.toHaveBeenCalled();
    });

    it('should accept an id of the longest allowed length, 100 characters', async () => {
      findDecision.mockResolvedValue(null);

      const response = await app.inject({ method: 'GET', url: `/v1/recommendations/${'a'.repeat(100)}` });

      expect(response.statusCode).toBe(404);
      expect(findDecision).toHaveBeenCalledWith('a'.repeat(100));
    });

    it('should answer 500 problem+json without details when the store fails', async () => {
      findDecision.mockRejectedValue(new Error('Connection is closed.'));

      const response = await app.inject({ method: 'GET', url: '/v1/recommendations/dec-1' });

      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ type: '/problems/internal-error', status: 500 });
      expect(response.body).not.toContain('Connection is closed');
    });
  });
});
