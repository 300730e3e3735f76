import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';

/** Where the smoke tests find the stack: the same env variables the apps read, same defaults. */
export const stackEndpoints = {
  brokers: (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(','),
  schemaRegistryUrl: process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl,
  redisHost: process.env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost,
  redisPort: Number(process.env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort),
};

/** Unique per run, so repeated runs against a long-lived stack never read each other's data. */
export const runId = `${Date.now().toString(36)}-${process.pid}`;
