import { InvalidEnvironmentError } from '@opal/platform-config';
import { loadDiagnosticsWorkerConfig } from './diagnostics-worker.env';

describe(loadDiagnosticsWorkerConfig.name, () => {
  it('should default to port 3001 on loopback and the local stack', () => {
    const config = loadDiagnosticsWorkerConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3001 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadDiagnosticsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadDiagnosticsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow('diagnostics-worker: invalid environment: KAFKA_SSL="maybe": expected true or false');
  });
});
