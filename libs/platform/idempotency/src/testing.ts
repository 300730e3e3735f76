export { InMemoryIdempotencyStore } from './lib/testing/in-memory-idempotency.store';
