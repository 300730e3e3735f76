import { ACCESS_PLAN, redisKeyGranted } from '@opal/contracts';
import { idempotencyKey } from '@opal/platform-idempotency';
import { consumerGroupOf, deadLetterTopicsOf, subscribedTopicsOf } from '@opal/platform-worker/testing';
import { AppModule } from './app.module';
import { RECOMMENDATIONS_WORKER, loadRecommendationsWorkerConfig } from './config/recommendations-worker.env';
import { RecommendationsMessageController } from './recommendations/recommendations.message.controller';
import { resolveOptions } from './recommendations/recommendations.module';
import { decisionKey, preferencesKey } from '@opal/contracts';

const subscribedTopics = () => subscribedTopicsOf(RecommendationsMessageController);
const consumerGroup = () => consumerGroupOf(() => AppModule.forRoot(loadRecommendationsWorkerConfig({})));

const deadLetterTopics = () => deadLetterTopicsOf(subscribedTopics(), consumerGroup());

describe(`ACCESS_PLAN['${RECOMMENDATIONS_WORKER}']`, () => {
  const access = ACCESS_PLAN[RECOMMENDATIONS_WORKER];

  describe('consumes', () => {
    it('should list exactly the topics RecommendationsMessageController subscribes to', () => {
      expect(access.consumes?.topics.slice().sort()).toEqual(subscribedTopics().sort());
    });

    it('should name the group AppModule consumes in', () => {
      expect(access.consumes?.group).toBe(consumerGroup());
    });
  });

  describe('produces', () => {
    it('should list the dead letter of every subscribed topic and nothing else', () => {
      expect(access.produces.slice().sort()).toEqual(deadLetterTopics().sort());
    });
  });

  describe('redisKeyPrefixes', () => {
    it("should cover the keys of RecommendationsModule's default prefix", () => {
      const { keyPrefix } = resolveOptions({});

      expect(redisKeyGranted(access, preferencesKey(keyPrefix, 'user-1'))).toBe(true);
      expect(redisKeyGranted(access, decisionKey(keyPrefix, 'dec-1'))).toBe(true);
    });

    it("should cover the claim records of its group's idempotency scope", () => {
      expect(redisKeyGranted(access, idempotencyKey(consumerGroup(), 'evt-1'))).toBe(true);
    });
  });
});
