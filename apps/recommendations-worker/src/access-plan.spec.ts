import { ACCESS_PLAN } from '@opal/contracts';
import { idempotencyKey } from '@opal/platform-idempotency';
import { deadLetterRecord } from '@opal/platform-kafka';
import { consumerGroupOf, subscribedTopicsOf } from '@opal/platform-worker/testing';
import { AppModule } from './app.module';
import { RECOMMENDATIONS_WORKER, loadRecommendationsWorkerConfig } from './config/recommendations-worker.env';
import { RecommendationsMessageController } from './recommendations/recommendations.message.controller';
import { resolveOptions } from './recommendations/recommendations.module';
import { decisionKey, preferencesKey } from './recommendations/recommendations.repository';

const subscribedTopics = () => subscribedTopicsOf(RecommendationsMessageController);
const consumerGroup = () => consumerGroupOf(() => AppModule.forRoot(loadRecommendationsWorkerConfig({})));

/** Where the worker's consumer dead-letters a record of each subscribed topic. */
const deadLetterTopics = () =>
  subscribedTopics().map(
    (topic) =>
      deadLetterRecord(
        { topic, partition: 0, offset: '0', timestamp: '0', key: null, value: null },
        { group: consumerGroup(), attempts: 1, errorClass: 'Error', errorMessage: 'boom', failedAt: new Date(0) },
      ).topic,
  );

const isGranted = (key: string, prefixes: readonly string[]) => prefixes.some((prefix) => key.startsWith(prefix));

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

      expect(isGranted(preferencesKey(keyPrefix, 'user-1'), access.redisKeyPrefixes)).toBe(true);
      expect(isGranted(decisionKey(keyPrefix, 'dec-1'), access.redisKeyPrefixes)).toBe(true);
    });

    it("should cover the claim records of its group's idempotency scope", () => {
      expect(isGranted(idempotencyKey(consumerGroup(), 'evt-1'), access.redisKeyPrefixes)).toBe(true);
    });
  });
});
