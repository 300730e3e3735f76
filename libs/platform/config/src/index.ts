export { InvalidEnvironmentError, parseEnv, parseEnvOrExit } from './lib/env-parser';
export type { EnvSource } from './lib/env-parser';
export {
  booleanVar,
  brokerListVar,
  enumVar,
  nonNegativeIntVar,
  optionalNonNegativeIntVar,
  optionalSecretVar,
  pemFileVar,
  portVar,
  positiveIntVar,
  stringVar,
  urlVar,
  webhookSecretsVar,
} from './lib/env-vars';
export {
  httpEnv,
  kafkaEnv,
  redisEnv,
  DEPLOYMENT_ENVIRONMENTS,
  runtimeEnv,
  schemaRegistryEnv,
  toHttpConfig,
  toKafkaConfig,
  toRedisConfig,
  toRuntimeConfig,
  toSchemaRegistryConfig,
  platformSchema,
  toPlatformConfig,
  redisTopologyOf,
  minReplicasAckFor,
  toWorkerConfig,
  workerEnv,
} from './lib/platform-env';
export { connectionRules } from './lib/connection-rules';
export type {
  DeploymentEnvironment,
  HttpConfig,
  KafkaConnectionConfig,
  PlatformConfig,
  RedisConnectionConfig,
  RedisNode,
  RedisClusterConfig,
  RedisSentinelConfig,
  RedisTopology,
  RuntimeConfig,
  SchemaRegistryConnectionConfig,
  TlsSetting,
  WorkerConfig,
} from './lib/platform-env';
export { LOCAL_STACK_DEFAULTS } from './lib/local-stack.defaults';
export { envDefaults, REQUIRED, UNSET } from './lib/env-defaults';
export type { EnvDefault } from './lib/env-defaults';
