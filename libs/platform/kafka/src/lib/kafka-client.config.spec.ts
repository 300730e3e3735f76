import { buildKafkaClientConfig } from './kafka-client.config';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBprivate-ca\n-----END CERTIFICATE-----\n';

describe(buildKafkaClientConfig.name, () => {
  it('should pass brokers, client id and TLS through', () => {
    const config = buildKafkaClientConfig({ brokers: ['a:9092', 'b:9092'], ssl: true }, 'ingest-gateway');
    expect(config).toMatchObject({ clientId: 'ingest-gateway', brokers: ['a:9092', 'b:9092'], ssl: true });
    expect(config.sasl).toBeUndefined();
  });

  it('should leave TLS off when it is off', () => {
    expect(buildKafkaClientConfig({ brokers: ['a:9092'], ssl: false }, 'x').ssl).toBe(false);
  });

  it('should trust exactly the configured CA bundle when one is given', () => {
    expect(buildKafkaClientConfig({ brokers: ['a:9092'], ssl: { ca: CA } }, 'x').ssl).toEqual({ ca: [CA] });
  });

  it('should add SCRAM credentials only when configured', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'u', password: 'p' };
    expect(buildKafkaClientConfig({ brokers: ['a:9092'], ssl: true, sasl }, 'x').sasl).toEqual(sasl);
  });
});
