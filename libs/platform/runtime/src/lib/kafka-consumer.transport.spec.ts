import { Transport } from '@nestjs/microservices';
import { kafkaConsumerTransport } from './kafka-consumer.transport';

describe(kafkaConsumerTransport.name, () => {
  it('should keep the contract group id exactly, without Nest\'s -server postfix', () => {
    const options = kafkaConsumerTransport({ brokers: ['127.0.0.1:9092'], ssl: false }, { clientId: 'diag', groupId: 'opal-diagnostics' });

    expect(options.transport).toBe(Transport.KAFKA);
    expect(options.options?.postfixId).toBe('');
    expect(options.options?.consumer).toMatchObject({ groupId: 'opal-diagnostics', allowAutoTopicCreation: false });
    expect(options.options?.client).toMatchObject({ clientId: 'diag', brokers: ['127.0.0.1:9092'] });
  });
});
