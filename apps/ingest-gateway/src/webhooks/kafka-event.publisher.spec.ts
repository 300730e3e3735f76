import {
  KafkaAccessDeniedError,
  KafkaProduceError,
  KafkaUnavailableError,
  KafkaUnknownTopicError,
  type EventProducer,
} from '@opal/platform-kafka';
import { KafkaEventPublisher } from './kafka-event.publisher';
import { DependencyUnavailableError } from './webhook.ports';

const record = { topic: 'opal.agent.completed', key: 'wf-1', value: Buffer.from('v'), headers: {} };
const publisherFailingWith = (error: Error) =>
  new KafkaEventPublisher({ send: jest.fn().mockRejectedValue(error) } as unknown as EventProducer);

describe(KafkaEventPublisher.name, () => {
  describe('publish', () => {
    it('should answer with the partition and offset Kafka acknowledged', async () => {
      const producer = { send: jest.fn().mockResolvedValue({ topic: record.topic, partition: 2, offset: '41' }) };

      const position = await new KafkaEventPublisher(producer as unknown as EventProducer).publish(record);

      expect(position).toEqual({ partition: 2, offset: '41' });
    });

    it.each([
      ['Kafka is unavailable', new KafkaUnavailableError('down')],
      ['the topic does not exist', new KafkaUnknownTopicError(record.topic)],
      ["Kafka's ACLs deny the gateway", new KafkaAccessDeniedError('TOPIC_AUTHORIZATION_FAILED')],
    ])('should turn "%s" into a retryable dependency failure (503), keeping the cause', async (_, error) => {
      const failure = await publisherFailingWith(error).publish(record).catch((thrown: unknown) => thrown);

      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect((failure as Error).cause).toBe(error);
    });

    it('should rethrow any other refusal as it is', async () => {
      const refused = new KafkaProduceError('record too large');

      await expect(publisherFailingWith(refused).publish(record)).rejects.toBe(refused);
    });
  });
});
