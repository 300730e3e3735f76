import { InvalidEnvironmentError } from '@opal/platform-config';
import { loadIngestGatewayConfig } from './ingest-gateway.env';

describe(loadIngestGatewayConfig.name, () => {
  it('should default to port 3000 on loopback and the local stack', () => {
    const config = loadIngestGatewayConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadIngestGatewayConfig({ KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadIngestGatewayConfig({ KAFKA_SSL: 'maybe' })).toThrow('ingest-gateway: invalid environment: KAFKA_SSL="maybe": expected true or false');
  });
});
