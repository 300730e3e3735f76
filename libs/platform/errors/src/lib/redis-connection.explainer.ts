import { causeChain, textOf } from './cause-chain';
import { untrustedCertificate } from './tls-trust';

/** The part of an ioredis client's options the explanation can blame: TLS (`REDIS_TLS`) and the ACL user. */
export interface RedisClientSecurity {
  tls?: unknown;
  /** `REDIS_USERNAME` (unset: Redis's `default` user). */
  username?: string;
}

/**
 * A sentence naming why an ioredis client could not use Redis, and the setting to look at, for
 * the misconfigurations whose raw message does not say it (a plaintext client at a TLS port only
 * sees "read ECONNRESET"); `undefined` for anything else.
 */
export function explainRedisConnectionFailure(error: unknown, client: RedisClientSecurity): string | undefined {
  const links = [...causeChain(error)];
  const message = (prefix: string) => links.find((link) => textOf(link.message).startsWith(prefix));
  const user = `user "${client.username || 'default'}"`;
  const settings = { tls: Boolean(client.tls) };
  // ioredis reports a refusal by the Sentinels inside "All sentinels are unreachable … Last error: …".
  const sentinels = message('All sentinels are unreachable');
  if (sentinels && /\b(WRONGPASS|NOAUTH)\b/.test(textOf(sentinels.message)))
    return "the Sentinels refused this client's login: check REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD (theirs, not the data nodes')";
  if (message('WRONGPASS'))
    return `Redis refused the credentials of ${user}: check REDIS_USERNAME and REDIS_PASSWORD`;
  if (message('NOAUTH')) return 'Redis requires a password: set REDIS_USERNAME and REDIS_PASSWORD';
  const denied = message('NOPERM');
  if (denied)
    return `Redis denied ${user} a command (${textOf(denied.message)}): its ACL rules do not allow it (kafka-init access grants each app its rights)`;
  const untrusted = untrustedCertificate(error);
  if (untrusted)
    return `Redis's TLS certificate is not trusted (${textOf(untrusted.message)}): set REDIS_TLS_CA_FILE to the CA that signed it`;
  if (!settings.tls && links.some((link) => link.code === 'ECONNRESET'))
    return 'Redis closed the connection at once: it probably accepts TLS only (REDIS_TLS is false)';
  return undefined;
}
