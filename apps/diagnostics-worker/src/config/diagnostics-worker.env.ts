import { parseEnv, platformSchema, toPlatformConfig, type EnvSource } from '@opal/platform-config';

export const DIAGNOSTICS_WORKER = 'diagnostics-worker';

const diagnosticsWorkerEnv = platformSchema(3001, {});

export type DiagnosticsWorkerConfig = ReturnType<typeof loadDiagnosticsWorkerConfig>;

export function loadDiagnosticsWorkerConfig(env: EnvSource) {
  return toPlatformConfig(parseEnv(DIAGNOSTICS_WORKER, diagnosticsWorkerEnv, env));
}
