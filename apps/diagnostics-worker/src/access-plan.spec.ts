import { ACCESS_PLAN, REDIS_SHARDS, redisKeyGranted, type OpalEvent } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { idempotencyKey } from '@opal/platform-idempotency';
import type { EventProducer } from '@opal/platform-kafka';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { consumerGroupOf, deadLetterTopicsOf, subscribedTopicsOf } from '@opal/platform-worker/testing';
import { AppModule } from './app.module';
import { DIAGNOSTICS_WORKER, loadDiagnosticsWorkerConfig } from './config/diagnostics-worker.env';
import { resolveDiagnosticsOptions } from './diagnostics';
import { diagnosticsKeys, type DiagnosticsKeys } from '@opal/contracts';
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
      const keys = diagnosticsKeys(keyPrefix);
      // Typed as every key of diagnosticsKeys: a key added there must be added here.
      const everyKey = (shard: number): Record<keyof DiagnosticsKeys, string> => ({
        applied: keys.applied(shard, 'evt-1'),
        processed: keys.processed(shard),
        duplicates: keys.duplicates(shard),
        workflows: keys.workflows(shard),
        degradedWorkflows: keys.degradedWorkflows(shard),
        agents: keys.agents(shard),
        agentApplied: keys.agentApplied(shard, 'evt-1'),
        workflow: keys.workflow('wf-1'),
        reasons: keys.reasons('wf-1'),
        alert: keys.alert('agent_failure_rate', 'wf-1'),
        agent: keys.agent('agent-1'),
        samples: keys.samples('agent-1'),
        recent: keys.recent('agent-1'),
      });

      const denied = REDIS_SHARDS.flatMap((shard) => Object.values(everyKey(shard))).filter(
        (key) => !redisKeyGranted(access, key),
      );
      expect(denied).toEqual([]);
    });

    it("should cover the claim records of its group's idempotency scope", () => {
      expect(redisKeyGranted(access, idempotencyKey(consumerGroup(), 'evt-1'))).toBe(true);
    });
  });
});
