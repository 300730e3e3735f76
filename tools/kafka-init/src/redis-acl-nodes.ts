import type { RedisConnectionConfig } from '@opal/platform-config';
import { Redis } from 'ioredis';
import type { RedisAclNode } from './access.command';
import { AccessError } from './access.errors';
import { aclAdminRedisOptions, connectAclAdmin, IoredisAclAdmin } from './ioredis-acl.admin';

export interface RedisAddress {
  host: string;
  port: number;
}

export const addressOf = ({ host, port }: RedisAddress): string => `${host}:${port}`;

/**
 * `CLUSTER NODES`' answer → the address of every node, primaries and replicas. A line is
 * `<id> <ip>:<port>@<cluster-port>[,<hostname>] <flags> …`; a node whose address the cluster does
 * not know (`noaddr`) is left out, and the node that answered may list itself without an ip
 * (`:6379@16379`), which is then `selfHost`.
 */
export function clusterNodeAddresses(reply: string, selfHost: string): RedisAddress[] {
  return reply
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter(([id, endpoint, flags]) => id && endpoint && flags && !flags.split(',').includes('noaddr'))
    .flatMap(([, endpoint = '']) => {
      const match = /^(.*):(\d+)@/.exec(endpoint);
      if (!match) return [];
      return [{ host: match[1] || selfHost, port: Number(match[2]) }];
    });
}

/** A primary's `INFO replication` → its replicas' addresses, from its `slave<n>:ip=…,port=…,…` lines. */
export function replicaAddresses(info: string): RedisAddress[] {
  return [...info.matchAll(/^slave\d+:(.*)$/gm)].flatMap(([, fields = '']) => {
    const field = (name: string) => new RegExp(`(?:^|,)${name}=([^,\\s]*)`).exec(fields)?.[1];
    const host = field('ip');
    const port = Number(field('port'));
    return host && Number.isInteger(port) && port > 0 ? [{ host, port }] : [];
  });
}

/** Admin sessions on every data node of a topology; `close` ends them all. */
export interface RedisAclSessions {
  nodes: RedisAclNode[];
  close(): void;
}

/**
 * Opens an admin session on every data node of `connection`'s topology, because Redis does not
 * replicate ACL rules: the single node; behind Sentinel, the primary the Sentinels name and the
 * replicas it lists; on a Cluster, every node a seed's `CLUSTER NODES` lists. A node that cannot
 * be reached fails the whole run, naming it: granting all but one would leave a replica that,
 * once promoted, refuses the apps.
 */
export async function openRedisAclNodes(connection: RedisConnectionConfig): Promise<RedisAclSessions> {
  const opened: Redis[] = [];
  const close = () => opened.forEach((redis) => redis.disconnect());
  const open = async (options: RedisConnectionConfig, label?: string): Promise<Redis> => {
    const redis = new Redis(aclAdminRedisOptions(options));
    opened.push(redis);
    try {
      await connectAclAdmin(redis);
    } catch (error) {
      if (!label) throw error;
      throw new AccessError(`Redis node ${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return redis;
  };
  const atAddress = (address: RedisAddress) => open({ ...connection, sentinel: undefined, cluster: undefined, ...address }, addressOf(address));
  const session = (address: string, redis: Redis): RedisAclNode => ({ address, acl: new IoredisAclAdmin(redis) });

  try {
    if (connection.cluster) {
      const seed = await firstAnswering(connection.cluster.nodes, atAddress);
      const addresses = clusterNodeAddresses(String(await seed.redis.call('CLUSTER', 'NODES')), seed.address.host).sort(
        (a, b) => a.host.localeCompare(b.host) || a.port - b.port,
      );
      const nodes = await Promise.all(addresses.map(async (address) => session(addressOf(address), await atAddress(address))));
      return { nodes, close };
    }
    if (connection.sentinel) {
      const primary = await open(connection);
      const primaryAddress = `${primary.stream.remoteAddress ?? '?'}:${primary.stream.remotePort ?? '?'}`;
      const replicas = replicaAddresses(String(await primary.call('INFO', 'replication')));
      const replicaNodes = await Promise.all(replicas.map(async (address) => session(addressOf(address), await atAddress(address))));
      return { nodes: [session(primaryAddress, primary), ...replicaNodes], close };
    }
    return { nodes: [session(addressOf(connection), await open(connection))], close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The first of `seeds` that connects, tried in order; all failing, the last one's error. */
async function firstAnswering(
  seeds: readonly RedisAddress[],
  open: (address: RedisAddress) => Promise<Redis>,
): Promise<{ address: RedisAddress; redis: Redis }> {
  let lastError: unknown = new AccessError('REDIS_CLUSTER_NODES lists no seed node');
  for (const address of seeds) {
    try {
      return { address, redis: await open(address) };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
