import { KafkaAccessDeniedError, KafkaUnavailableError, KafkaUnknownTopicError, type EventProducer } from '@opal/platform-kafka';
import { DependencyUnavailableError, type EventPublisher } from './webhook.ports';

/** The batching producer behind the publisher port; an outage, a missing topic or a missing ACL is a retryable 503. */
export class KafkaEventPublisher implements EventPublisher {
  constructor(private readonly producer: EventProducer) {}

  async publish(record: Parameters<EventPublisher['publish']>[0]) {
    try {
      const { partition, offset } = await this.producer.send(record);
      return { partition, offset };
    } catch (error) {
      if (
        error instanceof KafkaUnavailableError ||
        error instanceof KafkaUnknownTopicError ||
        error instanceof KafkaAccessDeniedError
      ) {
        throw new DependencyUnavailableError('kafka', { cause: error });
      }
      throw error;
    }
  }
}
