import { z } from 'zod';
import { connectionRules } from './connection-rules';
import { kafkaEnv, minReplicasAckFor, redisEnv, redisTopologyOf, toKafkaConfig, toRedisConfig } from './platform-env';

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

  it("should log in to the Sentinels with their own credentials, apart from the data nodes'", () => {
    const parsed = toRedisConfig(
      z.object(redisEnv).parse({
        REDIS_SENTINELS: 's:26379',
        REDIS_SENTINEL_USERNAME: 'watcher',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_USERNAME: 'opal',
        REDIS_PASSWORD: 'node-secret',
      }),
    );
    expect(parsed.sentinel).toMatchObject({ username: 'watcher', password: 'sentinel-secret' });
    expect(parsed).toMatchObject({ username: 'opal', password: 'node-secret' });
  });

  it.each([
    [{ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_USERNAME: 'watcher' }, 'REDIS_SENTINEL_PASSWORD', 'expected REDIS_SENTINEL_PASSWORD when REDIS_SENTINEL_USERNAME is set'],
    [{ REDIS_SENTINEL_PASSWORD: 'sentinel-secret' }, 'REDIS_SENTINEL_PASSWORD', 'expected REDIS_SENTINELS when REDIS_SENTINEL_PASSWORD is set'],
  ])('should refuse Sentinel credentials that cannot be used (%j)', (env, variable, message) => {
    const parsed = z.object(redisEnv).superRefine(connectionRules).safeParse(env);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: [variable], message })]);
  });

  it('should talk to a Redis Cluster when REDIS_CLUSTER_NODES is set', () => {
    const viaCluster = toRedisConfig(z.object(redisEnv).parse({ REDIS_CLUSTER_NODES: '10.0.0.1:6400,redis-b:6401' }));
    expect(viaCluster.cluster).toEqual({ nodes: [{ host: '10.0.0.1', port: 6400 }, { host: 'redis-b', port: 6401 }] });
    expect(viaCluster.sentinel).toBeUndefined();
    expect(redisTopologyOf(viaCluster)).toBe('cluster');
  });

  it('should refuse Sentinels and Cluster nodes together, naming both', () => {
    const parsed = z
      .object(redisEnv)
      .superRefine(connectionRules)
      .safeParse({ REDIS_SENTINELS: 's:26379', REDIS_CLUSTER_NODES: 'c:6400' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['REDIS_CLUSTER_NODES'], message: 'expected REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both' }),
    ]);
  });

  it.each([
    [{}, 0],
    [{ sentinel: { sentinels: [], primaryName: 'opal' } }, 1],
    [{ cluster: { nodes: [] } }, 1],
  ])('should wait for replicas by default only where a failover can promote one (%j → %d)', (redis, replicas) => {
    expect(minReplicasAckFor({ replicaAcks: { timeoutMs: 500 } }, redis)).toBe(replicas);
    expect(minReplicasAckFor({ replicaAcks: { minReplicas: 2, timeoutMs: 500 } }, redis)).toBe(2);
  });

  it.each(['', 'sentinel-a', 'a:26379,b', 'a:99999'])('should refuse REDIS_SENTINELS=%j with what it expects', (value) => {
    const parsed = z.object(redisEnv).safeParse({ REDIS_SENTINELS: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^expected (a comma-separated list of host:port|ports between 1 and 65535)$/);
  });
});
