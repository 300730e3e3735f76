import { DEFAULT_SOURCE_SYSTEM } from '@opal/contracts';
import {
  LOCAL_STACK_DEFAULTS,
  enumVar,
  nonNegativeIntVar,
  parseEnv,
  platformSchema,
  positiveIntVar,
  stringVar,
  toPlatformConfig,
  webhookSecretsVar,
  type EnvSource,
} from '@opal/platform-config';
import { DEFAULT_LINGER_MS, DEFAULT_MAX_BATCH_SIZE } from '@opal/platform-kafka';

export const INGEST_GATEWAY = 'ingest-gateway';

/** Every variable this app reads, with its default: the one source of both (README's table is checked against it). */
export const ingestGatewayEnv = platformSchema(LOCAL_STACK_DEFAULTS.appPorts['ingest-gateway'], {
  WEBHOOK_SECRETS: webhookSecretsVar(),
  MAX_BODY_BYTES: positiveIntVar(1_048_576),
  SOURCE_SYSTEM: stringVar(DEFAULT_SOURCE_SYSTEM),
  RATE_LIMIT_PER_SECOND: positiveIntVar(1000),
  IDEMPOTENCY_FAIL_MODE: enumVar(['open', 'closed'] as const, 'open'),
  IDEMPOTENCY_TTL_SECONDS: positiveIntVar(86_400),
  // A delivery's claim outlives the longest publish (registry lookup + acks=all delivery timeout) many times over.
  IDEMPOTENCY_LEASE_MS: positiveIntVar(30_000),
  PRODUCER_MAX_BATCH_SIZE: positiveIntVar(DEFAULT_MAX_BATCH_SIZE),
  PRODUCER_LINGER_MS: nonNegativeIntVar(DEFAULT_LINGER_MS),
});

export type IngestGatewayConfig = ReturnType<typeof loadIngestGatewayConfig>;

export function loadIngestGatewayConfig(env: EnvSource) {
  const parsed = parseEnv(INGEST_GATEWAY, ingestGatewayEnv, env);
  return {
    ...toPlatformConfig(parsed),
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    webhooks: {
      secrets: parsed.WEBHOOK_SECRETS,
      sourceSystem: parsed.SOURCE_SYSTEM,
      rateLimitPerSecond: parsed.RATE_LIMIT_PER_SECOND,
    },
    idempotency: {
      failMode: parsed.IDEMPOTENCY_FAIL_MODE,
      ttlSeconds: parsed.IDEMPOTENCY_TTL_SECONDS,
      leaseMs: parsed.IDEMPOTENCY_LEASE_MS,
    },
    producer: { maxBatchSize: parsed.PRODUCER_MAX_BATCH_SIZE, lingerMs: parsed.PRODUCER_LINGER_MS },
  };
}
