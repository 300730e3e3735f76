import { z } from 'zod';
import { kafkaEnv, redisEnv, toKafkaConfig, toRedisConfig } from './platform-env';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBprivate-ca\n-----END CERTIFICATE-----\n';

/** The parsed shape the `to*` helpers take, with the CA files already read (what `pemFileVar` yields). */
const kafka = (env: Partial<z.output<z.ZodObject<typeof kafkaEnv>>> = {}) => ({
  ...z.object(kafkaEnv).parse({}),
  ...env,
});
const redis = (env: Partial<z.output<z.ZodObject<typeof redisEnv>>> = {}) => ({
  ...z.object(redisEnv).parse({}),
  ...env,
});

describe(toKafkaConfig.name, () => {
  it('should build SASL settings only when both credentials are set', () => {
    expect(toKafkaConfig(kafka()).sasl).toBeUndefined();
    expect(toKafkaConfig(kafka({ KAFKA_USERNAME: 'u', KAFKA_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'scram-sha-256' })).sasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'u',
      password: 'p',
    });
  });

  it('should turn TLS on with the CA when one is given, on alone without, and off otherwise', () => {
    expect(toKafkaConfig(kafka({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: CERTIFICATE })).ssl).toEqual({ ca: CERTIFICATE });
    expect(toKafkaConfig(kafka({ KAFKA_SSL: true })).ssl).toBe(true);
    expect(toKafkaConfig(kafka()).ssl).toBe(false);
  });
});

describe(toRedisConfig.name, () => {
  it('should default to no credentials and no TLS', () => {
    expect(toRedisConfig(redis())).toEqual({ host: '127.0.0.1', port: 6379, tls: false });
  });

  it('should carry an ACL user with its password, and TLS with its CA', () => {
    expect(
      toRedisConfig(redis({ REDIS_USERNAME: 'opal', REDIS_PASSWORD: 'p', REDIS_TLS: true, REDIS_TLS_CA_FILE: CERTIFICATE })),
    ).toEqual({ host: '127.0.0.1', port: 6379, username: 'opal', password: 'p', tls: { ca: CERTIFICATE } });
  });

  it('should turn TLS on with the system CAs when no CA file is given', () => {
    expect(toRedisConfig(redis({ REDIS_TLS: true })).tls).toBe(true);
  });
});
