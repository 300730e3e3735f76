export { createHttpApp, listenAndAnnounce } from './lib/http-app.factory';
export { runOrExit } from './lib/run-or-exit';
export { kafkaConsumerTransport } from './lib/kafka-consumer.transport';
export type { KafkaConsumerTransportOptions } from './lib/kafka-consumer.transport';
