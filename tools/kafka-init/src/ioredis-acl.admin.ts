import type { RedisConnectionConfig } from '@opal/platform-config';
import { idempotencyRedisOptions } from '@opal/platform-idempotency';
import type { Redis, RedisOptions } from 'ioredis';
import type { RedisAclAdmin, RedisAclUser } from './access.command';
import { KAFKA_INIT } from './config/kafka-init.env';

/**
 * ioredis options for a one-shot admin session: the services' connection mapping (ACL user, TLS),
 * connected explicitly before the first command and never retried in the background, so an
 * unreachable Redis fails the command at once instead of hanging it.
 */
export const aclAdminRedisOptions = (connection: RedisConnectionConfig): RedisOptions => ({
  ...idempotencyRedisOptions(connection),
  connectionName: KAFKA_INIT,
  lazyConnect: true,
  retryStrategy: () => null,
});

/**
 * Connects `redis` and rejects with what went wrong (refused, TLS, WRONGPASS): ioredis' `connect()`
 * itself rejects with a bare "Connection is closed." and emits the reason as an `error` event.
 */
export async function connectAclAdmin(redis: Pick<Redis, 'on' | 'connect'>): Promise<void> {
  let reason: unknown;
  redis.on('error', (error: unknown) => (reason ??= error));
  try {
    await redis.connect();
  } catch (error) {
    throw reason ?? error;
  }
}

/** `ACL GETUSER` answers field, value, field, value…; `null` for a user that does not exist. */
function toAclUser(reply: unknown): RedisAclUser | null {
  if (!Array.isArray(reply)) return null;
  const user: Record<string, unknown> = {};
  for (let index = 0; index + 1 < reply.length; index += 2) user[String(reply[index])] = reply[index + 1];
  return user;
}

/** `RedisAclAdmin` over an ioredis connection of an admin user. */
export class IoredisAclAdmin implements RedisAclAdmin {
  constructor(private readonly redis: Pick<Redis, 'call'>) {}

  async getUser(user: string): Promise<RedisAclUser | null> {
    return toAclUser(await this.redis.call('ACL', 'GETUSER', user));
  }

  async setUser(user: string, rules: readonly string[]): Promise<void> {
    await this.redis.call('ACL', 'SETUSER', user, ...rules);
  }

  async save(): Promise<boolean> {
    try {
      await this.redis.call('ACL', 'SAVE');
      return true;
    } catch (error) {
      // "This Redis instance is not configured to use an ACL file": the grants live in memory only.
      if (error instanceof Error && /ACL file/i.test(error.message)) return false;
      throw error;
    }
  }
}
