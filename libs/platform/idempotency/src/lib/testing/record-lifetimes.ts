/** Record lifetimes for tests that do not exercise expiry: a day for finished records, a 30 s lease. */
export const TEST_RECORD_LIFETIMES = Object.freeze({ ttlSeconds: 86_400, leaseMs: 30_000 });
