import { z } from 'zod';
import {
  connectionRules,
  kafkaEnv,
  parseEnv,
  schemaRegistryEnv,
  toKafkaConfig,
  toSchemaRegistryConfig,
  type EnvSource,
} from '@opal/platform-config';

export const DLQ_TOOL = 'dlq';

const dlqEnv = z.object({ ...kafkaEnv, ...schemaRegistryEnv }).superRefine(connectionRules);

export type DlqConfig = ReturnType<typeof loadDlqConfig>;

export function loadDlqConfig(env: EnvSource) {
  const parsed = parseEnv(DLQ_TOOL, dlqEnv, env);
  return { kafka: toKafkaConfig(parsed), schemaRegistry: toSchemaRegistryConfig(parsed) };
}
