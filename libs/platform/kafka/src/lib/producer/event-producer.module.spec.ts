import { Test } from '@nestjs/testing';
import { FakeKafka } from '../../../test/fakes/fake-kafka';
import { EVENT_PRODUCER_OPTIONS } from '../kafka.constants';
import { EventProducerModule } from './event-producer.module';
import { EventProducer } from './event.producer';

describe(EventProducerModule.name, () => {
  describe('forRoot', () => {
    it('should provide the producer and its options without connecting', async () => {
      const kafka = new FakeKafka();
      const options = { kafka, lingerMs: 1 };
      const moduleRef = await Test.createTestingModule({ imports: [EventProducerModule.forRoot(options)] }).compile();

      expect(moduleRef.get(EventProducer)).toBeInstanceOf(EventProducer);
      // Nest copies the options object (to strip `isGlobal`) but keeps the client instance.
      expect(moduleRef.get(EVENT_PRODUCER_OPTIONS)).toEqual(options);
      expect(moduleRef.get<typeof options>(EVENT_PRODUCER_OPTIONS).kafka).toBe(kafka);
      expect(kafka.producers).toHaveLength(0);
      await moduleRef.close();
    });

    it('should flush queued records and disconnect when the application shuts down', async () => {
      const kafka = new FakeKafka();
      const moduleRef = await Test.createTestingModule({
        imports: [EventProducerModule.forRoot({ kafka, lingerMs: 60_000 })],
      }).compile();
      moduleRef.enableShutdownHooks();
      await moduleRef.init();
      const sent = moduleRef
        .get(EventProducer)
        .send({ topic: 'opal.workflow.started', key: 'k', value: Buffer.from('v'), headers: {} });

      await moduleRef.close();

      await expect(sent).resolves.toEqual({
        topic: 'opal.workflow.started',
        partition: expect.any(Number),
        offset: '0',
      });
      expect(kafka.producers[0]?.disconnectCalls).toBe(1);
    });
  });

  describe('forRootAsync', () => {
    it('should build the options from a factory', async () => {
      const kafka = new FakeKafka();
      const moduleRef = await Test.createTestingModule({
        imports: [
          EventProducerModule.forRootAsync({ isGlobal: true, useFactory: async () => ({ kafka, maxBatchSize: 10 }) }),
        ],
      }).compile();

      expect(moduleRef.get(EventProducer)).toBeInstanceOf(EventProducer);
      expect(moduleRef.get(EVENT_PRODUCER_OPTIONS)).toMatchObject({ maxBatchSize: 10 });
      await moduleRef.close();
    });
  });
});
