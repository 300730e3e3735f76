import { z } from 'zod';
import { kafkaEnv, redisEnv, redisTopologyOf, toKafkaConfig, toRedisConfig } from './platform-env';

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

  it('should go through the Sentinels when REDIS_SENTINELS is set, under the primary name given or opal', () => {
    const parse = (env: Record<string, string>) => toRedisConfig(z.object(redisEnv).parse(env));

    const viaSentinels = parse({ REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380' });
    expect(viaSentinels.sentinel).toEqual({
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-b', port: 26380 }],
      primaryName: 'opal',
    });
    expect(redisTopologyOf(viaSentinels)).toBe('sentinel');
    expect(parse({ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_PRIMARY: 'cache' }).sentinel?.primaryName).toBe('cache');
    expect(parse({}).sentinel).toBeUndefined();
    expect(redisTopologyOf(parse({}))).toBe('single');
  });

  it.each(['', 'sentinel-a', 'a:26379,b', 'a:99999'])('should refuse REDIS_SENTINELS=%j with what it expects', (value) => {
    const parsed = z.object(redisEnv).safeParse({ REDIS_SENTINELS: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^expected (a comma-separated list of host:port|ports between 1 and 65535)$/);
  });
});
