export { consumerGroupOf, subscribedTopicsOf } from './lib/testing/worker-wiring';
