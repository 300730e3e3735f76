import { z } from 'zod';
import { connectionRules } from './connection-rules';
import { LOCAL_STACK_DEFAULTS } from './local-stack.defaults';
import {
  booleanVar,
  brokerListVar,
  enumVar,
  nodeListVar,
  nonNegativeIntVar,
  optionalNonNegativeIntVar,
  optionalSecretVar,
  pemFileVar,
  portVar,
  positiveIntVar,
  stringVar,
  urlVar,
} from './env-vars';

/**
 * Env fragments shared by every app (ARCHITECTURE.md §5). An app spreads the ones it needs into
 * its own `z.object`, then maps the parsed flat result to typed sections with the `to*` helpers.
 */

export const DEPLOYMENT_ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type DeploymentEnvironment = (typeof DEPLOYMENT_ENVIRONMENTS)[number];

export const runtimeEnv = {
  NODE_ENV: enumVar(DEPLOYMENT_ENVIRONMENTS, 'development'),
  LOG_LEVEL: enumVar(['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, 'info'),
  // Upper bound from SIGTERM to exit; Kubernetes' terminationGracePeriodSeconds must exceed it.
  SHUTDOWN_TIMEOUT_MS: positiveIntVar(25_000),
  // How long /health/ready answers 503 before the listener closes, so load balancers stop routing here.
  SHUTDOWN_DRAIN_MS: nonNegativeIntVar(0),
};

export const httpEnv = (defaultPort: number) => ({
  HOST: stringVar(LOCAL_STACK_DEFAULTS.httpHost),
  PORT: portVar(defaultPort),
});

export const kafkaEnv = {
  KAFKA_BROKERS: brokerListVar(LOCAL_STACK_DEFAULTS.kafkaBrokers),
  KAFKA_USERNAME: optionalSecretVar(),
  KAFKA_PASSWORD: optionalSecretVar(),
  KAFKA_SASL_MECHANISM: enumVar(['scram-sha-256', 'scram-sha-512', 'plain'] as const, 'scram-sha-512'),
  KAFKA_SSL: booleanVar(false),
  KAFKA_SSL_CA_FILE: pemFileVar().optional(),
};

export const schemaRegistryEnv = {
  SCHEMA_REGISTRY_URL: urlVar(LOCAL_STACK_DEFAULTS.schemaRegistryUrl),
  SCHEMA_REGISTRY_USERNAME: optionalSecretVar(),
  SCHEMA_REGISTRY_PASSWORD: optionalSecretVar(),
};

export const redisEnv = {
  REDIS_HOST: stringVar(LOCAL_STACK_DEFAULTS.redisHost),
  REDIS_PORT: portVar(LOCAL_STACK_DEFAULTS.redisPort),
  REDIS_USERNAME: optionalSecretVar(),
  REDIS_PASSWORD: optionalSecretVar(),
  REDIS_TLS: booleanVar(false),
  REDIS_TLS_CA_FILE: pemFileVar().optional(),
  // Set, the apps find the primary through these Sentinels (REDIS_HOST/REDIS_PORT are then unused)
  // and follow it when a replica is promoted.
  REDIS_SENTINELS: nodeListVar(),
  REDIS_SENTINEL_PRIMARY: stringVar(LOCAL_STACK_DEFAULTS.redisSentinelPrimary),
  // The Sentinels' own login (Sentinel's `requirepass` or an ACL user of theirs); REDIS_USERNAME and
  // REDIS_PASSWORD are the data nodes'. Unset: the Sentinels are asked without credentials.
  REDIS_SENTINEL_USERNAME: optionalSecretVar(),
  REDIS_SENTINEL_PASSWORD: optionalSecretVar(),
  // Set, the apps talk to a Redis Cluster found through these seed nodes (REDIS_HOST/REDIS_PORT
  // are then unused); the rest of the cluster comes from its slot map.
  REDIS_CLUSTER_NODES: nodeListVar(),
};

/** Consumer settings both workers share (ARCHITECTURE.md §4). */
export const workerEnv = {
  // Attempts for a transient failure before the record goes to <topic>.dlq.
  MAX_ATTEMPTS: positiveIntVar(5),
  RETRY_BASE_DELAY_MS: positiveIntVar(200),
  RETRY_MAX_DELAY_MS: positiveIntVar(10_000),
  IDEMPOTENCY_TTL_SECONDS: positiveIntVar(86_400),
  // A claim left by a crashed consumer frees itself after this; longer than any handler runs.
  IDEMPOTENCY_LEASE_MS: positiveIntVar(15_000),
  // How long the consumer stays paused behind an open circuit breaker before probing again.
  CIRCUIT_BREAKER_RESET_MS: positiveIntVar(5_000),
  CONSUMER_PARTITIONS_CONCURRENCY: positiveIntVar(3),
  // Records of one partition in flight at once; records of one key still run one at a time, in order.
  CONSUMER_RECORDS_CONCURRENCY: positiveIntVar(512),
  // Bytes fetched per partition per request (kafkajs `maxBytesPerPartition`). A bigger batch makes
  // bigger key groups, so fewer Redis calls per record: 4 MiB drained 1.6× faster than kafkajs'
  // 1 MiB for ~60 MiB more peak memory (README, "What the throughput work measured").
  CONSUMER_FETCH_MAX_BYTES_PER_PARTITION: positiveIntVar(4 * 1024 * 1024),
  // Replicas that must hold a batch's Redis writes (WAIT) before its offsets are committed; unset:
  // 1 behind Sentinel (a replica exists), 0 on a single node. See minReplicasAckFor.
  REDIS_MIN_REPLICAS_ACK: optionalNonNegativeIntVar(),
  // How long one WAIT waits for them; below the Redis command timeout (1000 ms), so WAIT answers first.
  REDIS_REPLICA_ACK_TIMEOUT_MS: positiveIntVar(500),
  CONSUMER_LAG_INTERVAL_MS: positiveIntVar(5_000),
  // Lag on a held partition with no commit for this long fails liveness (0: off). Well above the
  // slowest legitimate wait: MAX_ATTEMPTS backoffs, or a claim lease held by another consumer.
  CONSUMER_STALL_TIMEOUT_MS: nonNegativeIntVar(300_000),
};

type Parsed<T extends Record<string, z.ZodType>> = z.output<z.ZodObject<T>>;

export interface WorkerConfig {
  maxAttempts: number;
  retry: { baseDelayMs: number; maxDelayMs: number };
  idempotency: { ttlSeconds: number; leaseMs: number };
  circuitBreakerResetMs: number;
  partitionsConcurrency: number;
  recordsConcurrency: number;
  fetchMaxBytesPerPartition: number;
  lagIntervalMs: number;
  stallTimeoutMs: number;
  /** `minReplicas` unset: the topology decides (`minReplicasAckFor`). */
  replicaAcks: { minReplicas?: number; timeoutMs: number };
}

export const toWorkerConfig = (env: Parsed<typeof workerEnv>): WorkerConfig => ({
  maxAttempts: env.MAX_ATTEMPTS,
  retry: { baseDelayMs: env.RETRY_BASE_DELAY_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS },
  idempotency: { ttlSeconds: env.IDEMPOTENCY_TTL_SECONDS, leaseMs: env.IDEMPOTENCY_LEASE_MS },
  circuitBreakerResetMs: env.CIRCUIT_BREAKER_RESET_MS,
  partitionsConcurrency: env.CONSUMER_PARTITIONS_CONCURRENCY,
  recordsConcurrency: env.CONSUMER_RECORDS_CONCURRENCY,
  fetchMaxBytesPerPartition: env.CONSUMER_FETCH_MAX_BYTES_PER_PARTITION,
  lagIntervalMs: env.CONSUMER_LAG_INTERVAL_MS,
  stallTimeoutMs: env.CONSUMER_STALL_TIMEOUT_MS,
  replicaAcks: {
    ...(env.REDIS_MIN_REPLICAS_ACK === undefined ? {} : { minReplicas: env.REDIS_MIN_REPLICAS_ACK }),
    timeoutMs: env.REDIS_REPLICA_ACK_TIMEOUT_MS,
  },
});

export interface RuntimeConfig {
  environment: DeploymentEnvironment;
  logLevel: Parsed<typeof runtimeEnv>['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  drainMs: number;
}

export interface HttpConfig {
  host: string;
  port: number;
}

/** TLS off, on with the system's CAs, or on trusting only the CA certificate(s) of a PEM text. */
export type TlsSetting = boolean | { ca: string };

export interface KafkaConnectionConfig {
  brokers: string[];
  ssl: TlsSetting;
  sasl?: { mechanism: Parsed<typeof kafkaEnv>['KAFKA_SASL_MECHANISM']; username: string; password: string };
}

export interface SchemaRegistryConnectionConfig {
  url: string;
  auth?: { username: string; password: string };
}

export interface RedisNode {
  host: string;
  port: number;
}

/** Where the Sentinels are and the name under which they watch the primary. */
export interface RedisSentinelConfig {
  sentinels: RedisNode[];
  primaryName: string;
  /** The Sentinels' own credentials, when they ask for any (not the data nodes'). */
  username?: string;
  password?: string;
}

/** The seed nodes of a Redis Cluster. */
export interface RedisClusterConfig {
  nodes: RedisNode[];
}

/**
 * `single`: one node at `host:port`; `sentinel`: the primary the Sentinels name, followed across
 * failovers; `cluster`: a Redis Cluster, keys spread over its primaries by hash slot.
 */
export type RedisTopology = 'single' | 'sentinel' | 'cluster';

export interface RedisConnectionConfig {
  /** The node of a single-node Redis; unused when `sentinel` or `cluster` is set. */
  host: string;
  port: number;
  sentinel?: RedisSentinelConfig;
  cluster?: RedisClusterConfig;
  /** A Redis 6+ ACL user; without it `password` authenticates the `default` user. */
  username?: string;
  password?: string;
  tls: TlsSetting;
}

export const toRuntimeConfig = (env: Parsed<typeof runtimeEnv>): RuntimeConfig => ({
  environment: env.NODE_ENV,
  logLevel: env.LOG_LEVEL,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  drainMs: env.SHUTDOWN_DRAIN_MS,
});

export const toHttpConfig = (env: Parsed<ReturnType<typeof httpEnv>>): HttpConfig => ({
  host: env.HOST,
  port: env.PORT,
});

const tlsSetting = (enabled: boolean, ca: string | undefined): TlsSetting => (enabled && ca !== undefined ? { ca } : enabled);

export function toKafkaConfig(env: Parsed<typeof kafkaEnv>): KafkaConnectionConfig {
  const { KAFKA_USERNAME: username, KAFKA_PASSWORD: password } = env;
  return {
    brokers: env.KAFKA_BROKERS,
    ssl: tlsSetting(env.KAFKA_SSL, env.KAFKA_SSL_CA_FILE),
    ...(username && password ? { sasl: { mechanism: env.KAFKA_SASL_MECHANISM, username, password } } : {}),
  };
}

export function toSchemaRegistryConfig(env: Parsed<typeof schemaRegistryEnv>): SchemaRegistryConnectionConfig {
  const { SCHEMA_REGISTRY_USERNAME: username, SCHEMA_REGISTRY_PASSWORD: password } = env;
  return { url: env.SCHEMA_REGISTRY_URL, ...(username && password ? { auth: { username, password } } : {}) };
}

const toSentinelConfig = (sentinels: RedisNode[], env: Parsed<typeof redisEnv>): RedisSentinelConfig => ({
  sentinels,
  primaryName: env.REDIS_SENTINEL_PRIMARY,
  ...(env.REDIS_SENTINEL_USERNAME ? { username: env.REDIS_SENTINEL_USERNAME } : {}),
  ...(env.REDIS_SENTINEL_PASSWORD ? { password: env.REDIS_SENTINEL_PASSWORD } : {}),
});

export const toRedisConfig = (env: Parsed<typeof redisEnv>): RedisConnectionConfig => ({
  host: env.REDIS_HOST,
  port: env.REDIS_PORT,
  ...(env.REDIS_SENTINELS ? { sentinel: toSentinelConfig(env.REDIS_SENTINELS, env) } : {}),
  ...(env.REDIS_CLUSTER_NODES ? { cluster: { nodes: env.REDIS_CLUSTER_NODES } } : {}),
  ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
  ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
  tls: tlsSetting(env.REDIS_TLS, env.REDIS_TLS_CA_FILE),
});

/** The variables every app reads (runtime, HTTP, Kafka, registry, Redis), plus the app's own. */
export function platformSchema<Extra extends Record<string, z.ZodType>>(defaultPort: number, extra: Extra) {
  return z
    .object({ ...runtimeEnv, ...httpEnv(defaultPort), ...kafkaEnv, ...schemaRegistryEnv, ...redisEnv, ...extra })
    .superRefine(connectionRules);
}

export interface PlatformConfig {
  runtime: RuntimeConfig;
  http: HttpConfig;
  kafka: KafkaConnectionConfig;
  schemaRegistry: SchemaRegistryConnectionConfig;
  redis: RedisConnectionConfig;
}

type PlatformEnv = Parsed<typeof runtimeEnv> &
  Parsed<ReturnType<typeof httpEnv>> &
  Parsed<typeof kafkaEnv> &
  Parsed<typeof schemaRegistryEnv> &
  Parsed<typeof redisEnv>;

export const toPlatformConfig = (env: PlatformEnv): PlatformConfig => ({
  runtime: toRuntimeConfig(env),
  http: toHttpConfig(env),
  kafka: toKafkaConfig(env),
  schemaRegistry: toSchemaRegistryConfig(env),
  redis: toRedisConfig(env),
});

export const redisTopologyOf = (connection: Pick<RedisConnectionConfig, 'sentinel' | 'cluster'>): RedisTopology =>
  connection.cluster ? 'cluster' : connection.sentinel ? 'sentinel' : 'single';

/**
 * Replicas a worker's writes must reach before it commits (`REDIS_MIN_REPLICAS_ACK`): as set, or
 * 1 behind Sentinel or on a Cluster, whose failover promotes a replica that may lack what the
 * primary acknowledged, and 0 on a single node, which has no replica to wait for.
 */
export const minReplicasAckFor = (
  worker: Pick<WorkerConfig, 'replicaAcks'>,
  redis: Pick<RedisConnectionConfig, 'sentinel' | 'cluster'>,
): number => worker.replicaAcks.minReplicas ?? (redisTopologyOf(redis) === 'single' ? 0 : 1);
