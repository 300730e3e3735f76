/**
 * Where `tools/local-stack` serves each dependency. Every app defaults to these so that
 * `npm run up` works on a fresh machine with no env file.
 */
export const LOCAL_STACK_DEFAULTS = {
  kafkaBrokers: '127.0.0.1:9092',
  schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
  redisHost: '127.0.0.1',
  redisPort: 6379,
  httpHost: '127.0.0.1',
  /** Where `npm run up` serves the ingest gateway (its default `PORT`), and where senders post by default. */
  ingestGatewayPort: 3000,
} as const;
