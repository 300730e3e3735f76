export { buildKafkaClientConfig } from './lib/kafka-client.config';
