import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readProducerEnv } from './client.env';

describe(readProducerEnv.name, () => {
  const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBprivate-ca\n-----END CERTIFICATE-----\n';
  let dir: string;
  let caFile: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'client-env-'));
    caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, CERTIFICATE);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should trust the brokers' private CA from KAFKA_SSL_CA_FILE, as the apps do", () => {
    expect(readProducerEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile }, {}).kafka.ssl).toEqual({ ca: CERTIFICATE });
  });

  it('should refuse KAFKA_SSL_CA_FILE while TLS is off', () => {
    expect(() => readProducerEnv({ KAFKA_SSL_CA_FILE: caFile }, {})).toThrow(
      `opal-events-client: invalid environment: KAFKA_SSL_CA_FILE=${JSON.stringify(caFile)}: expected KAFKA_SSL=true when KAFKA_SSL_CA_FILE is set`,
    );
  });

  it('should not read KAFKA_SSL_CA_FILE when an explicit kafka option replaces the Kafka variables', () => {
    const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path.join(dir, 'absent.pem') };

    expect(() => readProducerEnv(env, {})).toThrow('KAFKA_SSL_CA_FILE=');
    expect(() => readProducerEnv(env, { kafka: { brokers: ['a:9092'], ssl: true } })).not.toThrow();
  });
});
