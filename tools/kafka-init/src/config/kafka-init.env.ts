import { z } from 'zod';
import {
  connectionRules,
  kafkaEnv,
  parseEnv,
  runtimeEnv,
  schemaRegistryEnv,
  stringVar,
  toKafkaConfig,
  toRuntimeConfig,
  toSchemaRegistryConfig,
  type EnvSource,
} from '@opal/platform-config';

export const KAFKA_INIT = 'kafka-init';

/** What `check-schemas` compares the working tree with when `SCHEMAS_BASE_REF` is unset: the previous commit. */
export const DEFAULT_SCHEMAS_BASE_REF = 'HEAD~1';

const kafkaInitEnv = z
  .object({ ...runtimeEnv, ...kafkaEnv, ...schemaRegistryEnv, SCHEMAS_BASE_REF: stringVar().optional() })
  .superRefine(connectionRules);

export type KafkaInitConfig = ReturnType<typeof loadKafkaInitConfig>;

export function loadKafkaInitConfig(env: EnvSource) {
  const parsed = parseEnv(KAFKA_INIT, kafkaInitEnv, env);
  return {
    runtime: toRuntimeConfig(parsed),
    kafka: toKafkaConfig(parsed),
    schemaRegistry: toSchemaRegistryConfig(parsed),
    // A ref someone named must exist; the default may be missing (first commit, shallow clone).
    schemasBase: { ref: parsed.SCHEMAS_BASE_REF ?? DEFAULT_SCHEMAS_BASE_REF, explicit: parsed.SCHEMAS_BASE_REF !== undefined },
  };
}
