import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACCESS_PLAN, SERVICE_NAMES, type ServiceName } from '@opal/contracts';
import { Redis } from 'ioredis';
import { stackSh } from './cluster-control';
import { runTool } from './secure-stack';

/** `host:port` of every running Redis node of a `stack.sh` topology whose service names start with `prefix`. */
export async function runningRedisNodes(prefix: 'redis-cluster-' | 'sentinel-redis-'): Promise<string[]> {
  const status = await stackSh('status');
  const pattern = new RegExp(`^${prefix}\\d+:\\s+running \\(pid \\d+, (\\S+:\\d+)[,)]`, 'gm');
  const nodes = [...status.matchAll(pattern)].map((match) => match[1] as string);
  if (nodes.length === 0) throw new Error(`stack.sh status lists no running ${prefix}* node:\n${status}`);
  return nodes;
}

/** The REDIS_* variables of `env`: how the apps, and `kafka-init access`, find Redis. */
export const redisVariablesOf = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('REDIS_')));

/**
 * A connection to one node as its open `default` user, TLS as `topologyEnv` says (REDIS_TLS,
 * REDIS_TLS_CA_FILE: the apps' variables); connected when this resolves, to be disconnected by the caller.
 */
export async function connectToNode(address: string, topologyEnv: Record<string, string>): Promise<Redis> {
  const [host, port] = address.split(':');
  const caFile = topologyEnv['REDIS_TLS_CA_FILE'];
  const tls = topologyEnv['REDIS_TLS'] === 'true' ? { tls: caFile ? { ca: readFileSync(caFile) } : {} } : {};
  const node = new Redis({ host, port: Number(port), ...tls, lazyConnect: true, maxRetriesPerRequest: 1 });
  await node.connect();
  return node;
}

/** Each service's Redis login: what its app gets as REDIS_USERNAME and REDIS_PASSWORD. */
export type RedisLogins = Record<ServiceName, { REDIS_USERNAME: string; REDIS_PASSWORD: string }>;

/**
 * What a secured deployment does before the apps start, on a development topology whose `default`
 * user is open: every service gets an ACL user of its own, with a fresh password and no rights, on
 * every node (ACL users are not replicated), as the secured stack's users.acl does. Then
 * `kafka-init access redis`, with `topologyEnv` (how the apps find Redis), finds the nodes itself
 * and grants each user what the access plan says. Returns the logins and access' output.
 */
export async function provisionRedisUsers(
  nodes: readonly string[],
  topologyEnv: Record<string, string>,
): Promise<{ logins: RedisLogins; accessOutput: string }> {
  const logins = Object.fromEntries(
    SERVICE_NAMES.map((user) => [user, { REDIS_USERNAME: user, REDIS_PASSWORD: randomBytes(18).toString('base64url') }]),
  ) as RedisLogins;
  await Promise.all(
    nodes.map(async (address) => {
      const node = await connectToNode(address, topologyEnv);
      try {
        for (const { REDIS_USERNAME: user, REDIS_PASSWORD: password } of Object.values(logins))
          await node.call('ACL', 'SETUSER', user, 'reset', 'on', `>${password}`);
      } finally {
        node.disconnect();
      }
    }),
  );
  const access = await runTool('kafka-init', ['access', 'redis'], topologyEnv);
  if (access.code !== 0) throw new Error(`kafka-init access redis failed:\n${access.output}`);
  return { logins, accessOutput: access.output };
}

function keyPrefixOf(service: ServiceName): string {
  const [prefix] = ACCESS_PLAN[service].redisKeyPrefixes;
  if (!prefix) throw new Error(`the access plan gives ${service} no Redis keys`);
  return prefix;
}

/** `ACL DRYRUN` on the node at `address`: "OK", or why `user` may not run `command` there. */
async function dryRunOn(address: string, topologyEnv: Record<string, string>, user: string, command: readonly string[]): Promise<string> {
  const node = await connectToNode(address, topologyEnv);
  try {
    return String(await node.call('ACL', 'DRYRUN', user, ...command));
  } finally {
    node.disconnect();
  }
}

/**
 * `kafka-init access redis` reached every node and saved there, and on each node, replicas
 * included, the diagnostics worker's user may learn the slot map but not write the
 * recommendations worker's keys: a promoted replica enforces the same rules as its primary.
 */
export async function expectGrantedOnEveryNode(
  nodes: readonly string[],
  topologyEnv: Record<string, string>,
  accessOutput: string,
): Promise<void> {
  expect(accessOutput).toContain("Redis ACLs saved to each node's ACL file");
  const ownKey = `${keyPrefixOf('diagnostics-worker')}acl-check`;
  const othersKey = `${keyPrefixOf('recommendations-worker')}acl-check`;
  for (const node of nodes) {
    expect(accessOutput).toContain(`${node}: keys`);
    expect({
      node,
      slotMap: await dryRunOn(node, topologyEnv, 'diagnostics-worker', ['CLUSTER', 'SLOTS']),
      own: await dryRunOn(node, topologyEnv, 'diagnostics-worker', ['SET', ownKey, '1']),
      others: await dryRunOn(node, topologyEnv, 'diagnostics-worker', ['SET', othersKey, '1']),
    }).toEqual({ node, slotMap: 'OK', own: 'OK', others: expect.stringMatching(/no permissions to access the '.*acl-check' key/) });
  }
}
