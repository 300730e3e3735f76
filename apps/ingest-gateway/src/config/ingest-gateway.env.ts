import { parseEnv, platformSchema, positiveIntVar, toPlatformConfig, type EnvSource } from '@opal/platform-config';

export const INGEST_GATEWAY = 'ingest-gateway';

const ingestGatewayEnv = platformSchema(3000, {
  MAX_BODY_BYTES: positiveIntVar(1_048_576),
});

export type IngestGatewayConfig = ReturnType<typeof loadIngestGatewayConfig>;

export function loadIngestGatewayConfig(env: EnvSource) {
  const parsed = parseEnv(INGEST_GATEWAY, ingestGatewayEnv, env);
  return { ...toPlatformConfig(parsed), maxBodyBytes: parsed.MAX_BODY_BYTES };
}
