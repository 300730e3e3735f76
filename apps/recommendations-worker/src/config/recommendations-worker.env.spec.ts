import { InvalidEnvironmentError } from '@opal/platform-config';
import { loadRecommendationsWorkerConfig } from './recommendations-worker.env';

describe(loadRecommendationsWorkerConfig.name, () => {
  it('should default to port 3002 on loopback and the local stack', () => {
    const config = loadRecommendationsWorkerConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3002 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadRecommendationsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadRecommendationsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow('recommendations-worker: invalid environment: KAFKA_SSL="maybe": expected true or false');
  });
});
