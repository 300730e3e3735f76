import { ACCESS_PLAN, redisKeyGranted, type OpalEvent } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { idempotencyKey } from '@opal/platform-idempotency';
import type { EventProducer } from '@opal/platform-kafka';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { consumerGroupOf, deadLetterTopicsOf, subscribedTopicsOf } from '@opal/platform-worker/testing';
import { AppModule } from './app.module';
import { DIAGNOSTICS_WORKER, loadDiagnosticsWorkerConfig } from './config/diagnostics-worker.env';
import { resolveDiagnosticsOptions } from './diagnostics';
import { diagnosticsKeys } from './diagnostics/diagnostics.keys';
import { DiagnosticsMessageController } from './diagnostics/diagnostics.message.controller';
import { KafkaDegradedAlertPublisher } from './diagnostics/kafka-degraded-alert.publisher';

const subscribedTopics = () => subscribedTopicsOf(DiagnosticsMessageController);
const consumerGroup = () => consumerGroupOf(() => AppModule.forRoot(loadDiagnosticsWorkerConfig({})));

describe(`ACCESS_PLAN['${DIAGNOSTICS_WORKER}']`, () => {
  const access = ACCESS_PLAN[DIAGNOSTICS_WORKER];

  describe('consumes', () => {
    it('should list exactly the topics DiagnosticsMessageController subscribes to', () => {
      expect(access.consumes?.topics.slice().sort()).toEqual(subscribedTopics().sort());
    });

    it('should name the group AppModule consumes in', () => {
      expect(access.consumes?.group).toBe(consumerGroup());
    });
  });

  describe('produces', () => {
    const deadLetterTopics = () => deadLetterTopicsOf(subscribedTopics(), consumerGroup());

    /** Where KafkaDegradedAlertPublisher sends an alert. */
    async function degradedAlertTopic(): Promise<string> {
      const send = jest.fn().mockResolvedValue({ partition: 0, offset: '0' });
      const publisher = new KafkaDegradedAlertPublisher(
        { send } as unknown as Pick<EventProducer, 'send'>,
        { encode: jest.fn().mockResolvedValue(Buffer.alloc(0)) } as unknown as Pick<SchemaRegistryClient, 'encode'>,
        'development',
      );
      await publisher.publish(loadFixture('decision.degraded'), loadFixture('workflow.completed') as OpalEvent);
      return (send.mock.calls[0] as [{ topic: string }])[0].topic;
    }

    it('should cover the dead letter of every subscribed topic', () => {
      expect(access.produces).toEqual(expect.arrayContaining(deadLetterTopics()));
    });

    it('should cover the topic KafkaDegradedAlertPublisher sends alerts to', async () => {
      expect(access.produces).toContain(await degradedAlertTopic());
    });

    it('should list nothing else', async () => {
      expect(access.produces.slice().sort()).toEqual([...deadLetterTopics(), await degradedAlertTopic()].sort());
    });
  });

  describe('redisKeyPrefixes', () => {
    it("should cover every key of DiagnosticsModule's default prefix", () => {
      const { keyPrefix } = resolveDiagnosticsOptions({ thresholds: loadDiagnosticsWorkerConfig({}).thresholds });
      const keys = Object.values(diagnosticsKeys(keyPrefix)).map((key) =>
        typeof key === 'function' ? key('id-1', 'id-2') : key,
      );

      expect(keys.filter((key) => !redisKeyGranted(access, key))).toEqual([]);
    });

    it("should cover the claim records of its group's idempotency scope", () => {
      expect(redisKeyGranted(access, idempotencyKey(consumerGroup(), 'evt-1'))).toBe(true);
    });
  });
});
