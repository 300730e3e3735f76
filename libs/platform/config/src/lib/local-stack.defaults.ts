/**
 * Where `tools/local-stack` serves each dependency. Every app defaults to these so that
 * `npm run up` works on a fresh machine with no env file.
 */
export const LOCAL_STACK_DEFAULTS = {
  kafkaBrokers: '127.0.0.1:9092',
  schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
  redisHost: '127.0.0.1',
  redisPort: 6379,
  /** The name `stack.sh up sentinel`'s Sentinels watch the primary under. */
  redisSentinelPrimary: 'opal',
  httpHost: '127.0.0.1',
  /**
   * Each app's default `PORT`: where `npm run up` serves it, where probes and scrapes look,
   * and (for the gateway) where senders post by default.
   */
  appPorts: {
    'ingest-gateway': 3000,
    'diagnostics-worker': 3001,
    'recommendations-worker': 3002,
    // Where the seed put Kafka UI ("monitor at :8080").
    'ops-console': 8080,
  },
} as const;
