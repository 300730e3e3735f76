import { z } from 'zod';
import { DEFAULT_SOURCE_SYSTEM } from '@opal/contracts';
import {
  LOCAL_STACK_DEFAULTS,
  connectionRules,
  kafkaEnv,
  parseEnv,
  runtimeEnv,
  schemaRegistryEnv,
  stringVar,
  toKafkaConfig,
  toSchemaRegistryConfig,
  urlVar,
  webhookSecretsVar,
  type EnvSource,
} from '@opal/platform-config';

/** The name start-up errors carry: `opal-events-client: invalid environment: KAFKA_SSL="maybe": …`. */
export const CLIENT_NAME = 'opal-events-client';

/** The variables the producer reads: the apps' names and defaults (ARCHITECTURE.md §5). */
export const producerEnv = z
  .object({
    NODE_ENV: runtimeEnv.NODE_ENV,
    SOURCE_SYSTEM: stringVar(DEFAULT_SOURCE_SYSTEM),
    ...kafkaEnv,
    ...schemaRegistryEnv,
  })
  .superRefine(connectionRules);

/** The variables the webhook sender reads: where the gateway is and the secrets it verifies. */
export const senderEnv = z.object({
  INGEST_GATEWAY_URL: urlVar(
    `http://${LOCAL_STACK_DEFAULTS.httpHost}:${LOCAL_STACK_DEFAULTS.appPorts['ingest-gateway']}`,
  ),
  WEBHOOK_SECRETS: webhookSecretsVar().optional(),
});

/** `env` without the variables an explicit option replaces, so a bad value there cannot fail a configured client. */
function withoutOverridden(env: EnvSource, overridden: ReadonlyArray<[unknown, readonly string[]]>): EnvSource {
  const names = new Set(overridden.filter(([option]) => option !== undefined).flatMap(([, vars]) => vars));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name)));
}

export interface ProducerEnvOverrides {
  environment?: unknown;
  sourceSystem?: unknown;
  kafka?: unknown;
  schemaRegistry?: unknown;
}

/** The producer's settings from `env`, for what the options leave open. @throws InvalidEnvironmentError */
export function readProducerEnv(env: EnvSource, overrides: ProducerEnvOverrides) {
  const parsed = parseEnv(
    CLIENT_NAME,
    producerEnv,
    withoutOverridden(env, [
      [overrides.environment, ['NODE_ENV']],
      [overrides.sourceSystem, ['SOURCE_SYSTEM']],
      [overrides.kafka, Object.keys(kafkaEnv)],
      [overrides.schemaRegistry, Object.keys(schemaRegistryEnv)],
    ]),
  );
  return {
    environment: parsed.NODE_ENV,
    sourceSystem: parsed.SOURCE_SYSTEM,
    kafka: toKafkaConfig(parsed),
    schemaRegistry: toSchemaRegistryConfig(parsed),
  };
}

/** The sender's settings from `env`, for what the options leave open. @throws InvalidEnvironmentError */
export function readSenderEnv(env: EnvSource, overrides: { url?: unknown; secrets?: unknown }) {
  const parsed = parseEnv(
    CLIENT_NAME,
    senderEnv,
    withoutOverridden(env, [
      [overrides.url, ['INGEST_GATEWAY_URL']],
      [overrides.secrets, ['WEBHOOK_SECRETS']],
    ]),
  );
  return { url: parsed.INGEST_GATEWAY_URL, secrets: parsed.WEBHOOK_SECRETS ?? [] };
}
