export { InMemoryIdempotencyStore } from './lib/testing/in-memory-idempotency.store';
export { TEST_RECORD_LIFETIMES } from './lib/testing/record-lifetimes';
