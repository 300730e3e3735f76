import {
  LOCAL_STACK_DEFAULTS,
  parseEnv,
  platformSchema,
  positiveIntVar,
  toPlatformConfig,
  toWorkerConfig,
  workerEnv,
  type EnvSource,
} from '@opal/platform-config';
import { DEFAULT_DECISION_TTL_SECONDS } from '../recommendations/recommendations.constants';

export const RECOMMENDATIONS_WORKER = 'recommendations-worker';

/** Every variable this app reads, with its default: the one source of both (README's table is checked against it). */
export const recommendationsWorkerEnv = platformSchema(LOCAL_STACK_DEFAULTS.appPorts['recommendations-worker'], {
  ...workerEnv,
  RECOMMENDATIONS_TTL_SECONDS: positiveIntVar(DEFAULT_DECISION_TTL_SECONDS),
});

export type RecommendationsWorkerConfig = ReturnType<typeof loadRecommendationsWorkerConfig>;

export function loadRecommendationsWorkerConfig(env: EnvSource) {
  const parsed = parseEnv(RECOMMENDATIONS_WORKER, recommendationsWorkerEnv, env);
  return {
    ...toPlatformConfig(parsed),
    worker: toWorkerConfig(parsed),
    recommendations: { decisionTtlSeconds: parsed.RECOMMENDATIONS_TTL_SECONDS },
  };
}
