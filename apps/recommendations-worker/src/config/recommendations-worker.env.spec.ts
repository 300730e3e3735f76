import { envDefaults, InvalidEnvironmentError } from '@opal/platform-config';
import { documentedEnvDefaults } from '@opal/platform-config/testing';
import { loadRecommendationsWorkerConfig, RECOMMENDATIONS_WORKER, recommendationsWorkerEnv } from './recommendations-worker.env';

describe(loadRecommendationsWorkerConfig.name, () => {
  it('should default to port 3002 on loopback and the local stack', () => {
    const config = loadRecommendationsWorkerConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3002 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should keep personalised sets for 7 days unless RECOMMENDATIONS_TTL_SECONDS says otherwise', () => {
    expect(loadRecommendationsWorkerConfig({}).recommendations).toEqual({ decisionTtlSeconds: 604_800 });
    expect(loadRecommendationsWorkerConfig({ RECOMMENDATIONS_TTL_SECONDS: '3600' }).recommendations).toEqual({ decisionTtlSeconds: 3600 });
  });

  it.each(['0', '-5', '1.5', 'week'])('should refuse RECOMMENDATIONS_TTL_SECONDS=%p', (value) => {
    expect(() => loadRecommendationsWorkerConfig({ RECOMMENDATIONS_TTL_SECONDS: value })).toThrow(
      `recommendations-worker: invalid environment: RECOMMENDATIONS_TTL_SECONDS="${value}": expected a positive integer`,
    );
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadRecommendationsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadRecommendationsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow('recommendations-worker: invalid environment: KAFKA_SSL="maybe": expected true or false');
  });

  it("should be documented exactly in the README's configuration table: every variable, each with its default", () => {
    expect(Object.fromEntries(documentedEnvDefaults(RECOMMENDATIONS_WORKER))).toEqual(Object.fromEntries(envDefaults(recommendationsWorkerEnv)));
  });
});
