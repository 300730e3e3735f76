import type { RedisConnectionConfig } from '@opal/platform-config';
import { Cluster, Redis } from 'ioredis';
import {
  createIdempotencyRedisClient,
  idempotencyClusterOptions,
  idempotencyRedisOptions,
  isRedisCluster,
  type IdempotencyRedisConnection,
} from './idempotency-redis.options';

describe(idempotencyRedisOptions.name, () => {
  it('should fail fast (no offline queue, no resends, bounded commands and connects) and pipeline concurrent commands', () => {
    expect(idempotencyRedisOptions({ host: 'redis', port: 6380 })).toEqual({
      host: 'redis',
      port: 6380,
      connectionName: 'opal-idempotency',
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      disconnectTimeout: 200,
      enableAutoPipelining: true,
    });
  });

  it('should take the platform Redis config as it is, turning tls: true into default TLS options', () => {
    const config: RedisConnectionConfig = { host: 'redis', port: 6380, password: 's3cret', tls: true };
    const connection: IdempotencyRedisConnection = config;

    expect(idempotencyRedisOptions(connection, { timeoutMs: 250, connectTimeoutMs: 500 })).toMatchObject({
      password: 's3cret',
      tls: {},
      commandTimeout: 250,
      connectTimeout: 500,
    });
    expect(idempotencyRedisOptions({ ...config, tls: false })).not.toHaveProperty('tls');
  });

  it('should log in as the platform config\'s ACL user and trust only its CA', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIBprivate-ca\n-----END CERTIFICATE-----\n';
    const config: RedisConnectionConfig = { host: 'redis', port: 6380, username: 'opal', password: 's3cret', tls: { ca } };

    expect(idempotencyRedisOptions(config)).toMatchObject({ username: 'opal', password: 's3cret', tls: { ca } });
  });

  it('should find the primary through the Sentinels on every reconnect, and keep the nodes\' credentials and TLS', () => {
    const config: RedisConnectionConfig = {
      host: 'unused',
      port: 6379,
      username: 'opal',
      password: 's3cret',
      tls: true,
      sentinel: { sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], primaryName: 'opal' },
    };

    const options = idempotencyRedisOptions(config);

    expect(options).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }],
      name: 'opal',
      role: 'master',
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
      username: 'opal',
      password: 's3cret',
      tls: {},
      enableOfflineQueue: false,
    });
    expect(options).not.toHaveProperty('host');
    expect(options).not.toHaveProperty('port');
    // Its +switch-master handler can end the client for good mid-reconnect (see sentinelOptions).
    expect(options).not.toHaveProperty('failoverDetector');
    expect(idempotencyRedisOptions({ ...config, tls: false })).not.toHaveProperty('enableTLSForSentinelMode');
    expect(idempotencyRedisOptions({ ...config, tls: false })).not.toHaveProperty('sentinelTLS');
    // A CA file given is trusted on the way to the Sentinels as to the nodes.
    expect(idempotencyRedisOptions({ ...config, tls: { ca: 'pem' } })).toMatchObject({ tls: { ca: 'pem' }, sentinelTLS: { ca: 'pem' } });
    // The nodes' credentials are not the Sentinels': without their own, the Sentinels get none.
    expect(options).not.toHaveProperty('sentinelPassword');
  });

  it('should log in to the Sentinels with their own credentials when given', () => {
    const options = idempotencyRedisOptions({
      host: 'unused',
      port: 6379,
      password: 'node-secret',
      sentinel: { sentinels: [{ host: 's1', port: 26379 }], primaryName: 'opal', username: 'watcher', password: 'sentinel-secret' },
    });

    expect(options).toMatchObject({ sentinelUsername: 'watcher', sentinelPassword: 'sentinel-secret', password: 'node-secret' });
  });
});

describe(idempotencyClusterOptions.name, () => {
  const config: RedisConnectionConfig = {
    host: 'unused',
    port: 6379,
    username: 'opal',
    password: 's3cret',
    tls: false,
    cluster: { nodes: [{ host: '127.0.0.1', port: 6400 }] },
  };

  it('should give every node the fail-fast options and credentials, and refuse commands while the slot map is unknown', () => {
    const options = idempotencyClusterOptions(config, { timeoutMs: 750 });

    expect(options).toMatchObject({ enableOfflineQueue: false, enableAutoPipelining: true, scaleReads: 'master' });
    expect(options.redisOptions).toMatchObject({
      username: 'opal',
      password: 's3cret',
      commandTimeout: 750,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
    });
    // The nodes come from the cluster's slot map, not from REDIS_HOST/REDIS_PORT.
    expect(options.redisOptions).not.toHaveProperty('host');
    expect(options.redisOptions).not.toHaveProperty('port');
    expect(options).not.toHaveProperty('dnsLookup');
    expect(idempotencyClusterOptions({ ...config, tls: true }).redisOptions).toMatchObject({ tls: {} });
  });

  it('should build a Cluster client for cluster nodes and a plain client otherwise', () => {
    const cluster = createIdempotencyRedisClient({ ...config }, {});
    const single = createIdempotencyRedisClient({ host: '127.0.0.1', port: 1 });
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(isRedisCluster(cluster)).toBe(true);
      expect(single).toBeInstanceOf(Redis);
      expect(isRedisCluster(single)).toBe(false);
    } finally {
      cluster.disconnect();
      single.disconnect();
    }
  });
});
