import { ACCESS_PLAN, SERVICE_NAMES, type ServiceAccess, type ServiceName } from '@opal/contracts';

/**
 * What every service's Redis user may run (Redis 7 ACL rules; a later rule wins over an earlier one):
 * - `+@read +@write`: the data commands, confined to the user's key patterns.
 * - `-function -scan -randomkey`: what those categories carry beyond the user's keys. @write holds
 *   FUNCTION LOAD/DELETE/FLUSH, which change the whole server's functions; SCAN and RANDOMKEY
 *   ignore key patterns and would list other services' key names. No service uses them.
 * - `+eval +evalsha`: ioredis runs `defineCommand` scripts as EVALSHA, and EVAL when the script is
 *   not cached on the connection (it sends no SCRIPT LOAD); every `redis.call` inside a script is
 *   checked against the same ACL, so the key patterns hold there too.
 * - `+@connection`: PING (readiness), CLIENT SETNAME (ioredis' `connectionName`), SELECT, QUIT.
 * - `-@dangerous`: takes back what the categories above carry beyond a client's needs: CLIENT
 *   KILL/LIST/PAUSE, KEYS, SORT, RESTORE, FLUSHDB, …
 * - `+info`: ioredis' ready check sends INFO, which is @dangerous, so it comes after the subtraction.
 * - `+time`: diagnostics' apply script reads the server clock; TIME is in neither @read nor @write.
 * - `+cluster|slots +cluster|info`: a Redis Cluster client learns the slot map (SLOTS) and checks
 *   the cluster's state (INFO) before its first command. Both only describe the cluster; on a node
 *   without cluster mode they answer an error, so one rule set serves every topology. WAIT (the
 *   workers' replica acknowledgement) and ASKING (a slot in migration) come with @connection.
 * No MULTI (@transaction) and no pub/sub: no service uses them.
 */
const COMMAND_RULES = [
  '+@read',
  '+@write',
  '-function',
  '-scan',
  '-randomkey',
  '+eval',
  '+evalsha',
  '+@connection',
  '-@dangerous',
  '+info',
  '+time',
  '+cluster|slots',
  '+cluster|info',
] as const;

/**
 * The `ACL SETUSER <user> …` rules of one service's access. They replace the user's permissions
 * (keys, channels, selectors, commands) and keep what the stack gave it: its passwords and its
 * on/off state (`reset` would drop both).
 */
export function redisAclRules(access: ServiceAccess): string[] {
  return [
    'resetkeys',
    'resetchannels',
    'clearselectors',
    '-@all',
    ...access.redisKeyPrefixes.map((prefix) => `~${prefix}*`),
    ...COMMAND_RULES,
  ];
}

export interface RedisUserGrant {
  /** The ACL user, named like the service. */
  user: ServiceName;
  rules: string[];
}

/** The grants of every service of the plan. */
export function planRedisAclRules(plan: Readonly<Record<ServiceName, ServiceAccess>> = ACCESS_PLAN): RedisUserGrant[] {
  return SERVICE_NAMES.map((user) => ({ user, rules: redisAclRules(plan[user]) }));
}
