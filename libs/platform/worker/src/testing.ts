export { consumerGroupOf, deadLetterTopicsOf, subscribedTopicsOf } from './lib/testing/worker-wiring';
