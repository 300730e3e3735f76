import { ACCESS_PLAN, EVENT_TYPES, buildEventRecord, redisKeyGranted } from '@opal/contracts';
import { fixtureData } from '@opal/contracts/testing';
import { idempotencyKey } from '@opal/platform-idempotency';
import { INGEST_GATEWAY } from './config/ingest-gateway.env';
import { WEBHOOK_SCOPE } from './webhooks/redis-delivery.ledger';
import { WebhookRateLimiter } from './webhooks/webhook-rate-limiter';

describe(`ACCESS_PLAN['${INGEST_GATEWAY}']`, () => {
  const access = ACCESS_PLAN[INGEST_GATEWAY];

  describe('produces', () => {
    it('should list exactly the topics the records of the accepted event types go to', () => {
      const topics = EVENT_TYPES.map(
        (type) =>
          buildEventRecord(type, fixtureData(type), {
            deliveryId: 'msg_1',
            correlationId: 'c-1',
            occurredAt: 0,
            environment: 'development',
            sourceSystem: 'opal',
          }).definition.topic,
      );

      expect(access.produces.slice().sort()).toEqual(topics.sort());
    });
  });

  describe('consumes', () => {
    it('should be nothing', () => {
      expect(access.consumes).toBeNull();
    });
  });

  describe('redisKeyPrefixes', () => {
    it("should cover the delivery claims and the rate limiter's windows", () => {
      const limiter = new WebhookRateLimiter({ countQuota: jest.fn() }, { limitPerSecond: 1, failMode: 'open' });

      expect(redisKeyGranted(access, idempotencyKey(WEBHOOK_SCOPE, 'msg_1'))).toBe(true);
      expect(redisKeyGranted(access, limiter.quota('source-1', 0).key)).toBe(true);
    });
  });
});
