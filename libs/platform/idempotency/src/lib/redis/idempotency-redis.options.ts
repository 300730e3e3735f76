import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../idempotency.constants';

/** Where Redis is; `@opal/platform-config`'s `RedisConnectionConfig` fits as it is. */
export interface IdempotencyRedisConnection {
  host: string;
  port: number;
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
  const { tls, ...endpoint } = connection;
  return {
    ...endpoint,
    ...(tls ? { tls: tls === true ? {} : tls } : {}),
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

/** A client with `idempotencyRedisOptions`; it starts connecting at once. */
export function createIdempotencyRedisClient(
  connection: IdempotencyRedisConnection,
  timeouts: IdempotencyRedisTimeouts = {},
): Redis {
  return new Redis(idempotencyRedisOptions(connection, timeouts));
}
