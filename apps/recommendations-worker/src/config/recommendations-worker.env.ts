import { parseEnv, platformSchema, toPlatformConfig, type EnvSource } from '@opal/platform-config';

export const RECOMMENDATIONS_WORKER = 'recommendations-worker';

const recommendationsWorkerEnv = platformSchema(3002, {});

export type RecommendationsWorkerConfig = ReturnType<typeof loadRecommendationsWorkerConfig>;

export function loadRecommendationsWorkerConfig(env: EnvSource) {
  return toPlatformConfig(parseEnv(RECOMMENDATIONS_WORKER, recommendationsWorkerEnv, env));
}
