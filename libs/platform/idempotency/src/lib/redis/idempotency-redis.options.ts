import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../idempotency.constants';

/** Where Redis is; `@opal/platform-config`'s `RedisConnectionConfig` fits as it is. */
export interface IdempotencyRedisConnection {
  host: string;
  port: number;
  /** Set: the primary is whichever node these Sentinels name (`host`/`port` are unused). */
  sentinel?: {
    sentinels: ReadonlyArray<{ host: string; port: number }>;
    primaryName: string;
    /** The Sentinels' own login, when they ask for one; `username`/`password` below are the data nodes'. */
    username?: string;
    password?: string;
  };
  /** Set: a Redis Cluster reached through these seed nodes (`host`/`port` are unused). */
  cluster?: { nodes: ReadonlyArray<{ host: string; port: number }> };
  username?: string;
  password?: string;
  db?: number;
  /** `true` for TLS with the system's CAs, or Node's TLS options. */
  tls?: boolean | ConnectionOptions;
}

export interface IdempotencyRedisTimeouts {
  /** Per-command bound (ioredis `commandTimeout`). Default 1000. */
  timeoutMs?: number;
  /** TCP connect bound (ioredis `connectTimeout`). Default 2000. */
  connectTimeoutMs?: number;
}

/**
 * ioredis options for an idempotency client that fails fast and never runs a command late.
 * While disconnected, commands are rejected at once instead of queued (`enableOfflineQueue:
 * false`); commands in flight when the connection drops are rejected, not resent after the
 * reconnect (`maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`). A queued claim
 * that ran after its caller had given up would leave an orphan lease that answers "in flight"
 * to the sender's retry until it expires. Reconnecting goes on in the background.
 */
export function idempotencyRedisOptions(
  connection: IdempotencyRedisConnection,
  timeouts: IdempotencyRedisTimeouts = {},
): RedisOptions {
  const { tls, sentinel, host, port, username, password, db } = connection;
  const tlsOptions = tls === true ? {} : tls || undefined;
  const credentials = { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(db !== undefined ? { db } : {}) };
  return {
    ...(sentinel ? sentinelOptions(sentinel, tlsOptions) : { host, port }),
    ...credentials,
    ...(tlsOptions ? { tls: tlsOptions } : {}),
    connectionName: 'opal-idempotency',
    commandTimeout: timeouts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    connectTimeout: timeouts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Nothing is left to flush on close: a stream that does not end promptly is destroyed.
    disconnectTimeout: 200,
    // Commands issued in the same tick (concurrent requests or messages) go out in one socket
    // write: under load one write per command was the largest single cost in a gateway profile.
    enableAutoPipelining: true,
  };
}

/**
 * ioredis asks the Sentinels for the primary on every (re)connect, so once the old primary's
 * connection closes the next reconnect lands on the promoted replica. Without `failoverDetector`:
 * its `+switch-master` handler closes the connector while a reconnect is resolving the primary,
 * and ioredis then ends the client for good ("Connection is closed.", status `end`), which a CI
 * run of the failover test hit. A primary that dies or is demoted closes its clients' connections
 * anyway. The Sentinels log in with their own credentials (none unless given). With TLS on, both
 * the data nodes (`enableTLSForSentinelMode`: ioredis otherwise reaches the primary in clear) and
 * the Sentinels (`sentinelTLS`) are reached over TLS, with the same trust.
 */
function sentinelOptions(sentinel: NonNullable<IdempotencyRedisConnection['sentinel']>, tls: ConnectionOptions | undefined): RedisOptions {
  return {
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.primaryName,
    role: 'master',
    ...(sentinel.username !== undefined ? { sentinelUsername: sentinel.username } : {}),
    ...(sentinel.password !== undefined ? { sentinelPassword: sentinel.password } : {}),
    ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
  };
}

/** A client of a single node or a Sentinel-watched primary (`Redis`), or of a Redis Cluster (`Cluster`). */
export type RedisClient = Redis | Cluster;

/**
 * ioredis Cluster options around the same fail-fast node options: each node connection gets
 * `idempotencyRedisOptions` (credentials, TLS, timeouts, no resends), and the cluster client
 * rejects a command at once while it has no slot map (`enableOfflineQueue: false`) rather than
 * queueing it. A command refused with MOVED/ASK follows the redirection; one whose node closed the
 * connection is tried again once the slot map is refreshed (`retryDelayOnFailover`), which the
 * scripts allow: every write the apps make is idempotent, and a claim left behind frees itself
 * with its lease. Reads and writes go to primaries only (`scaleReads: 'master'`): a replica may lag.
 */
export function idempotencyClusterOptions(
  connection: IdempotencyRedisConnection,
  timeouts: IdempotencyRedisTimeouts = {},
): ClusterOptions {
  const nodeOptions = idempotencyRedisOptions({ ...connection, sentinel: undefined }, timeouts);
  // The nodes come from the cluster's slot map: a host or port here would be dialled instead.
  delete nodeOptions.host;
  delete nodeOptions.port;
  return {
    redisOptions: nodeOptions,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    scaleReads: 'master',
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: timeouts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // A node's address as the cluster announces it is the one to dial, TLS included.
    ...(connection.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
}

/** A client with `idempotencyRedisOptions` (or, for a cluster, `idempotencyClusterOptions`); it starts connecting at once. */
export function createIdempotencyRedisClient(
  connection: IdempotencyRedisConnection,
  timeouts: IdempotencyRedisTimeouts = {},
): RedisClient {
  if (connection.cluster)
    return new Cluster(
      connection.cluster.nodes.map(({ host, port }) => ({ host, port })),
      idempotencyClusterOptions(connection, timeouts),
    );
  return new Redis(idempotencyRedisOptions(connection, timeouts));
}

/** True for a Redis Cluster client, whose multi-key scripts must keep their keys in one slot. */
export const isRedisCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;
