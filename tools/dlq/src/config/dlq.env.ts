import { z } from 'zod';
import {
  CREDENTIAL_PAIRS,
  kafkaEnv,
  parseEnv,
  requirePairs,
  schemaRegistryEnv,
  toKafkaConfig,
  toSchemaRegistryConfig,
  type EnvSource,
} from '@opal/platform-config';

export const DLQ_TOOL = 'dlq';

const dlqEnv = z.object({ ...kafkaEnv, ...schemaRegistryEnv }).superRefine(requirePairs(CREDENTIAL_PAIRS));

export type DlqConfig = ReturnType<typeof loadDlqConfig>;

export function loadDlqConfig(env: EnvSource) {
  const parsed = parseEnv(DLQ_TOOL, dlqEnv, env);
  return { kafka: toKafkaConfig(parsed), schemaRegistry: toSchemaRegistryConfig(parsed) };
}
