import { z } from 'zod';
import {
  CREDENTIAL_PAIRS,
  kafkaEnv,
  parseEnv,
  requirePairs,
  runtimeEnv,
  schemaRegistryEnv,
  toKafkaConfig,
  toRuntimeConfig,
  toSchemaRegistryConfig,
  type EnvSource,
} from '@opal/platform-config';

export const KAFKA_INIT = 'kafka-init';

const kafkaInitEnv = z
  .object({ ...runtimeEnv, ...kafkaEnv, ...schemaRegistryEnv })
  .superRefine(requirePairs(CREDENTIAL_PAIRS));

export type KafkaInitConfig = ReturnType<typeof loadKafkaInitConfig>;

export function loadKafkaInitConfig(env: EnvSource) {
  const parsed = parseEnv(KAFKA_INIT, kafkaInitEnv, env);
  return { runtime: toRuntimeConfig(parsed), kafka: toKafkaConfig(parsed), schemaRegistry: toSchemaRegistryConfig(parsed) };
}
