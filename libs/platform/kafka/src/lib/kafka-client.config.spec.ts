import { buildKafkaClientConfig } from './kafka-client.config';

describe(buildKafkaClientConfig.name, () => {
  it('should pass brokers, client id and TLS through', () => {
    const config = buildKafkaClientConfig({ brokers: ['a:9092', 'b:9092'], ssl: true }, 'ingest-gateway');
    expect(config).toMatchObject({ clientId: 'ingest-gateway', brokers: ['a:9092', 'b:9092'], ssl: true });
    expect(config.sasl).toBeUndefined();
  });

  it('should add SCRAM credentials only when configured', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'u', password: 'p' };
    expect(buildKafkaClientConfig({ brokers: ['a:9092'], ssl: true, sasl }, 'x').sasl).toEqual(sasl);
  });
});
