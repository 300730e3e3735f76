import { ACCESS_PLAN, SERVICE_NAMES, type ServiceAccess, type ServiceName } from '@opal/contracts';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import { aclBindingKey, describeAclBinding, kafkaPrincipalOf, planKafkaAclBindings } from './access-plan.kafka-acls';
import { planRedisAclRules, type RedisUserGrant } from './access-plan.redis-acls';
import { AccessError, explainKafkaAclError, explainRedisAclError } from './access.errors';

export type AclAdmin = Pick<Admin, 'createAcls' | 'describeAcls'>;

/** `ACL GETUSER`'s answer as field → value (`flags`, `passwords`, `commands`, `keys`, `channels`, `selectors`). */
export type RedisAclUser = Readonly<Record<string, unknown>>;

/** The Redis ACL commands `access` needs, run as an admin user. */
export interface RedisAclAdmin {
  /** `ACL GETUSER`; `null` when there is no such user. */
  getUser(user: string): Promise<RedisAclUser | null>;
  /** `ACL SETUSER <user> <rules…>`. */
  setUser(user: string, rules: readonly string[]): Promise<void>;
  /** `ACL SAVE`; `false` when the server has no ACL file to save to. */
  save(): Promise<boolean>;
}

/**
 * One Redis data node and an admin session on it. ACL rules are not replicated: behind Sentinel
 * and on a Cluster every node, replicas included, needs the grants, or a promoted replica would
 * refuse the apps.
 */
export interface RedisAclNode {
  /** `host:port`, as the report names it. */
  address: string;
  acl: RedisAclAdmin;
}

export interface AccessRow {
  kind: 'kafka-acl' | 'redis-user';
  name: string;
  /** Kafka: `created`, `present` or `drift` (not in the plan: reported, never deleted). Redis: `applied` or `present`. */
  action: 'created' | 'present' | 'drift' | 'applied';
  details: string;
}

export interface AccessReport {
  rows: AccessRow[];
  /** Whether every Redis node wrote the grants to its ACL file (they survive a restart). */
  redisSaved: boolean;
}

export interface ReadBackOptions {
  /** KRaft brokers apply new ACLs from the metadata log a moment after the controller took them. */
  attempts: number;
  delayMs: number;
}

const DEFAULT_READ_BACK: ReadBackOptions = { attempts: 10, delayMs: 300 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Grants every service of the plan exactly its access: the Kafka ACL bindings (created where
 * missing, read back per principal, any other binding of those principals reported as drift and
 * left alone), then the Redis ACL rules of each service's user on every node. The users themselves,
 * and their passwords, come from the stack: a missing Redis user is an error. Kafka first: a
 * refusal there stops before Redis is changed.
 */
export async function runAccess(
  deps: { admin: AclAdmin; redis: readonly RedisAclNode[] },
  plan: Readonly<Record<ServiceName, ServiceAccess>> = ACCESS_PLAN,
  readBack: ReadBackOptions = DEFAULT_READ_BACK,
): Promise<AccessReport> {
  const kafkaRows = await applyKafkaAcls(deps.admin, plan, readBack).catch((error: unknown) => {
    throw explainKafkaAclError(error);
  });
  const redis = await runRedisAccess(deps.redis, plan);
  return { rows: [...kafkaRows, ...redis.rows], redisSaved: redis.redisSaved };
}

/**
 * The Redis half of `runAccess` alone (`kafka-init access redis`): for a node that was replaced or
 * restarted without an ACL file, where Kafka's grants still stand. Every node is checked for every
 * user before any is changed.
 */
export async function runRedisAccess(
  nodes: readonly RedisAclNode[],
  plan: Readonly<Record<ServiceName, ServiceAccess>> = ACCESS_PLAN,
): Promise<AccessReport> {
  if (nodes.length === 0) throw new AccessError('access found no Redis node to grant on');
  const grants = planRedisAclRules(plan);
  const where = (node: RedisAclNode) => (nodes.length > 1 ? ` on ${node.address}` : '');
  try {
    const before = await Promise.all(nodes.map((node) => currentUsers(node.acl, grants)));
    for (const [index, node] of nodes.entries()) {
      const missing = grants.filter(({ user }) => !before[index]?.has(user)).map(({ user }) => user);
      if (missing.length > 0)
        throw new AccessError(
          `Redis has no ACL user ${missing.join(', ')}${where(node)}: the stack creates each service's user with its password; access only grants what the user may do`,
        );
    }
    const rows: AccessRow[] = [];
    let saved = true;
    for (const [index, node] of nodes.entries()) {
      const applied = await applyRedisAcls(node.acl, grants, before[index] ?? new Map());
      rows.push(...applied.rows.map((row) => (nodes.length > 1 ? { ...row, details: `${node.address}: ${row.details}` } : row)));
      saved &&= applied.saved;
    }
    return { rows, redisSaved: saved };
  } catch (error) {
    throw explainRedisAclError(error);
  }
}

async function describePrincipal(admin: AclAdmin, principal: string): Promise<AclEntry[]> {
  const { resources } = await admin.describeAcls({
    principal,
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap(({ acls, ...resource }) => acls.map((acl) => ({ ...resource, ...acl })));
}

async function describePrincipals(admin: AclAdmin, principals: readonly string[]): Promise<AclEntry[]> {
  const perPrincipal = await Promise.all(principals.map((principal) => describePrincipal(admin, principal)));
  return perPrincipal.flat();
}

async function applyKafkaAcls(
  admin: AclAdmin,
  plan: Readonly<Record<ServiceName, ServiceAccess>>,
  readBack: ReadBackOptions,
): Promise<AccessRow[]> {
  const planned = planKafkaAclBindings(plan);
  const principals = SERVICE_NAMES.map(kafkaPrincipalOf);
  const before = new Set((await describePrincipals(admin, principals)).map(aclBindingKey));
  const missing = planned.filter((acl) => !before.has(aclBindingKey(acl)));
  // kafkajs refuses an empty list; CreateAcls itself accepts a binding that already exists.
  if (missing.length > 0) await admin.createAcls({ acl: missing });

  let after = await describePrincipals(admin, principals);
  for (let attempt = 1; attempt < readBack.attempts && !includesAll(after, planned); attempt++) {
    await sleep(readBack.delayMs);
    after = await describePrincipals(admin, principals);
  }
  const found = new Set(after.map(aclBindingKey));
  const lost = planned.find((acl) => !found.has(aclBindingKey(acl)));
  if (lost)
    throw new AccessError(`Kafka accepted but does not list the ACL ${lost.principal} ${describeAclBinding(lost)}`);

  const plannedKeys = new Set(planned.map(aclBindingKey));
  return principals.flatMap((principal) => [
    ...planned
      .filter((acl) => acl.principal === principal)
      .map(
        (acl): AccessRow => ({
          kind: 'kafka-acl',
          name: principal,
          action: before.has(aclBindingKey(acl)) ? 'present' : 'created',
          details: describeAclBinding(acl),
        }),
      ),
    ...after
      .filter((acl) => acl.principal === principal && !plannedKeys.has(aclBindingKey(acl)))
      .map(
        (acl): AccessRow => ({ kind: 'kafka-acl', name: principal, action: 'drift', details: describeAclBinding(acl) }),
      ),
  ]);
}

function includesAll(listed: readonly AclEntry[], planned: readonly AclEntry[]): boolean {
  const keys = new Set(listed.map(aclBindingKey));
  return planned.every((acl) => keys.has(aclBindingKey(acl)));
}

/** What a user may do, without its passwords: equal before and after means nothing changed. */
const permissionsOf = (user: RedisAclUser): string =>
  JSON.stringify(Object.entries(user).filter(([field]) => field !== 'passwords'));

/** The keys as Redis lists them, the command rules as granted (Redis spells categories out in full). */
function describeRedisUser(user: RedisAclUser, rules: readonly string[]): string {
  const commands = rules.filter((rule) => /^[+-]/.test(rule)).join(' ');
  const off = Array.isArray(user['flags']) && user['flags'].includes('off') ? '; user is off' : '';
  const keys = String(user['keys'] ?? '');
  return `keys ${keys === '' ? '(none)' : keys}; commands ${commands}${off}`;
}

async function currentUsers(redis: RedisAclAdmin, grants: readonly RedisUserGrant[]): Promise<Map<string, RedisAclUser>> {
  const users = await Promise.all(grants.map(async ({ user }) => [user, await redis.getUser(user)] as const));
  return new Map(users.filter((entry): entry is readonly [ServiceName, RedisAclUser] => entry[1] !== null));
}

async function applyRedisAcls(
  redis: RedisAclAdmin,
  grants: readonly RedisUserGrant[],
  before: ReadonlyMap<string, RedisAclUser>,
): Promise<{ rows: AccessRow[]; saved: boolean }> {
  const rows: AccessRow[] = [];
  for (const { user, rules } of grants) {
    await redis.setUser(user, rules);
    const was = before.get(user);
    const after = await redis.getUser(user);
    if (was === undefined || after === null)
      throw new AccessError(`Redis user ${user} disappeared while access granted it`);
    rows.push({
      kind: 'redis-user',
      name: user,
      action: permissionsOf(was) === permissionsOf(after) ? 'present' : 'applied',
      details: describeRedisUser(after, rules),
    });
  }
  return { rows, saved: await redis.save() };
}
