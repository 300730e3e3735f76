import type { OpsConsoleConfig } from '../config/ops-console.env';
import type { KafkaSession } from './kafka.session';
import { TopicRateSampler } from './topic-rate.sampler';

describe(TopicRateSampler.name, () => {
  const offsets = new Map<string, number>([['opal.agent.completed', 100]]);
  const admin = {
    listTopics: jest.fn(async () => [...offsets.keys(), 'unrelated']),
    fetchTopicOffsets: jest.fn(async (topic: string) => [
      { partition: 0, high: String(offsets.get(topic) ?? 0), low: '0', offset: '0' },
      { partition: 1, high: '0', low: '0', offset: '0' },
    ]),
  };
  const session = { get: async () => ({ admin }) } as unknown as KafkaSession;
  const config = { console: { sampleIntervalMs: 1_000 } } as OpsConsoleConfig;

  describe('sample', () => {
    it("should turn successive end offsets into each watched topic's records/s", async () => {
      const sampler = new TopicRateSampler(session, config);

      await sampler.sample(() => 0);
      offsets.set('opal.agent.completed', 400);
      await sampler.sample(() => 30_000);

      expect(sampler.history.ratePerSecond('opal.agent.completed', 60_000)).toBe(10);
      expect(admin.fetchTopicOffsets).not.toHaveBeenCalledWith('unrelated');
    });

    it('should keep the samples it has when Kafka fails, and go on afterwards', async () => {
      const sampler = new TopicRateSampler(session, config);
      await sampler.sample(() => 0);
      admin.listTopics.mockRejectedValueOnce(new Error('broker down'));

      await sampler.sample(() => 5_000);
      offsets.set('opal.agent.completed', 600);
      await sampler.sample(() => 10_000);

      expect(sampler.history.latest()?.at).toBe(10_000);
      expect(sampler.history.ratePerSecond('opal.agent.completed', 60_000)).toBe(20);
    });
  });
});
