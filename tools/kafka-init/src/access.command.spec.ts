import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type AclFilter,
  type DescribeAclResponse,
} from 'kafkajs';
import { SERVICE_NAMES } from '@opal/contracts';
import { planKafkaAclBindings } from './access-plan.kafka-acls';
import { runAccess, runRedisAccess, type AclAdmin, type RedisAclAdmin, type RedisAclUser } from './access.command';
import { AccessError } from './access.errors';

const NO_WAIT = { attempts: 3, delayMs: 0 };

/** The brokers' ACLs in memory: createAcls adds (an existing binding stays one), describeAcls lists a principal's. */
class FakeAclAdmin implements AclAdmin {
  readonly acls: AclEntry[] = [];
  readonly created: AclEntry[][] = [];
  failWith?: Error;

  async createAcls({ acl }: { acl: AclEntry[] }): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    this.created.push(acl);
    for (const entry of acl)
      if (!this.acls.some((known) => JSON.stringify(known) === JSON.stringify(entry))) this.acls.push(entry);
    return true;
  }

  async describeAcls(filter: AclFilter): Promise<DescribeAclResponse> {
    if (this.failWith) throw this.failWith;
    const resources = this.acls
      .filter((acl) => acl.principal === filter.principal)
      .map(({ resourceType, resourceName, resourcePatternType, principal, host, operation, permissionType }) => ({
        resourceType,
        resourceName,
        resourcePatternType,
        acls: [{ principal, host, operation, permissionType }],
      }));
    return { throttleTime: 0, errorCode: 0, resources };
  }
}

/** Redis ACL users in memory, shaped like ACL GETUSER; SETUSER keeps passwords and flags as Redis does. */
class FakeRedisAcl implements RedisAclAdmin {
  readonly users = new Map<string, Record<string, unknown>>();
  readonly set: string[] = [];
  saved = true;
  failWith?: Error;

  addUser(name: string): void {
    this.users.set(name, {
      flags: ['on'],
      passwords: ['5e88…'],
      commands: '-@all',
      keys: '',
      channels: '',
      selectors: [],
    });
  }

  async getUser(user: string): Promise<RedisAclUser | null> {
    if (this.failWith) throw this.failWith;
    const found = this.users.get(user);
    return found ? { ...found } : null;
  }

  async setUser(user: string, rules: readonly string[]): Promise<void> {
    this.set.push(user);
    const current = this.users.get(user);
    if (!current) throw new Error(`fake: no user ${user}`);
    const keys = rules.filter((rule) => rule.startsWith('~')).join(' ');
    const commands = rules.filter((rule) => /^[+-]/.test(rule)).join(' ');
    this.users.set(user, { ...current, keys, commands });
  }

  async save(): Promise<boolean> {
    return this.saved;
  }
}

const SERVICES = SERVICE_NAMES;

function redisNodeWithUsers(): FakeRedisAcl {
  const redis = new FakeRedisAcl();
  for (const service of SERVICES) redis.addUser(service);
  return redis;
}

/** A secured stack with a single Redis node: `redis` is that node, `deps` what runAccess takes. */
function secureStack() {
  const admin = new FakeAclAdmin();
  const redis = redisNodeWithUsers();
  return { admin, redis, deps: { admin, redis: [{ address: '127.0.0.1:6379', acl: redis }] } };
}

const kafkaRows = (rows: Awaited<ReturnType<typeof runAccess>>['rows']) =>
  rows.filter((row) => row.kind === 'kafka-acl');

describe(runAccess.name, () => {
  describe('Kafka', () => {
    it('should create every planned binding on a cluster that has none', async () => {
      const stack = secureStack();

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(stack.admin.created).toEqual([planKafkaAclBindings()]);
      expect(kafkaRows(rows)).toHaveLength(53);
      expect(kafkaRows(rows).every((row) => row.action === 'created')).toBe(true);
      expect(kafkaRows(rows)[0]).toEqual({
        kind: 'kafka-acl',
        name: 'User:ingest-gateway',
        action: 'created',
        details: 'ALLOW WRITE on topic opal.workflow.started (literal, host *)',
      });
    });

    it('should report the bindings already there as present and create only the missing ones', async () => {
      const stack = secureStack();
      const [first, ...rest] = planKafkaAclBindings();
      await stack.admin.createAcls({ acl: rest });
      stack.admin.created.length = 0;

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(stack.admin.created).toEqual([[first]]);
      expect(
        kafkaRows(rows)
          .filter((row) => row.action === 'created')
          .map((row) => row.details),
      ).toEqual(['ALLOW WRITE on topic opal.workflow.started (literal, host *)']);
      expect(kafkaRows(rows).filter((row) => row.action === 'present')).toHaveLength(52);
    });

    it('should call createAcls not at all when every binding is present', async () => {
      const stack = secureStack();
      await runAccess(stack.deps, undefined, NO_WAIT);
      stack.admin.created.length = 0;

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(stack.admin.created).toEqual([]);
      expect(kafkaRows(rows).every((row) => row.action === 'present')).toBe(true);
    });

    it("should report a service principal's binding outside the plan as drift and leave it in place", async () => {
      const stack = secureStack();
      const extra: AclEntry = {
        principal: 'User:recommendations-worker',
        host: '*',
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'opal.',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        operation: AclOperationTypes.ALL,
        permissionType: AclPermissionTypes.ALLOW,
      };
      const admins: AclEntry = { ...extra, principal: 'User:opal-admin' };
      await stack.admin.createAcls({ acl: [extra, admins] });

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(rows.filter((row) => row.action === 'drift')).toEqual([
        {
          kind: 'kafka-acl',
          name: 'User:recommendations-worker',
          action: 'drift',
          details: 'ALLOW ALL on topic opal. (prefixed, host *)',
        },
      ]);
      expect(stack.admin.acls).toContainEqual(extra);
    });

    it('should read back until the brokers list the new bindings', async () => {
      const stack = secureStack();
      const describe = stack.admin.describeAcls.bind(stack.admin);
      let calls = 0;
      // The first read (before creating) and the first read-back see the brokers' old metadata.
      jest
        .spyOn(stack.admin, 'describeAcls')
        .mockImplementation(async (filter) =>
          ++calls <= SERVICES.length * 2 ? { throttleTime: 0, errorCode: 0, resources: [] } : describe(filter),
        );

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(kafkaRows(rows).every((row) => row.action === 'created')).toBe(true);
    });

    it('should fail naming a binding the brokers never list', async () => {
      const stack = secureStack();
      jest.spyOn(stack.admin, 'describeAcls').mockResolvedValue({ throttleTime: 0, errorCode: 0, resources: [] });

      await expect(runAccess(stack.deps, undefined, NO_WAIT)).rejects.toThrow(
        new AccessError(
          'Kafka accepted but does not list the ACL User:ingest-gateway ALLOW WRITE on topic opal.workflow.started (literal, host *)',
        ),
      );
    });

    it('should tell to run as the admin user when the principal may not alter ACLs, and leave Redis alone', async () => {
      const stack = secureStack();
      stack.admin.failWith = Object.assign(new Error('Cluster authorization failed'), {
        type: 'CLUSTER_AUTHORIZATION_FAILED',
      });

      const failure = runAccess(stack.deps, undefined, NO_WAIT);

      await expect(failure).rejects.toThrow(AccessError);
      await expect(failure).rejects.toThrow(
        'the Kafka principal used here may not alter ACLs (CLUSTER_AUTHORIZATION_FAILED): run access with the admin user',
      );
      expect(stack.redis.set).toEqual([]);
    });

    it('should tell that the brokers run without an authorizer', async () => {
      const stack = secureStack();
      stack.admin.failWith = Object.assign(new Error('Security features are disabled'), { type: 'SECURITY_DISABLED' });

      await expect(runAccess(stack.deps, undefined, NO_WAIT)).rejects.toThrow(
        'the brokers have no authorizer (SECURITY_DISABLED): access grants ACLs on a secured stack only',
      );
    });
  });

  describe('Redis', () => {
    it("should apply each service user's rules and report them", async () => {
      const stack = secureStack();

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(rows.filter((row) => row.kind === 'redis-user')).toEqual([
        {
          kind: 'redis-user',
          name: 'ingest-gateway',
          action: 'applied',
          details:
            'keys ~opal:idempotency:webhook:* ~opal:ratelimit:webhook:*; commands -@all +@read +@write -function -scan -randomkey +eval +evalsha +@connection -@dangerous +info +time +cluster|slots +cluster|info',
        },
        expect.objectContaining({ name: 'diagnostics-worker', action: 'applied' }),
        expect.objectContaining({ name: 'recommendations-worker', action: 'applied' }),
        {
          kind: 'redis-user',
          name: 'ops-console',
          action: 'applied',
          details: 'keys (none); commands -@all +@read +@write -function -scan -randomkey +eval +evalsha +@connection -@dangerous +info +time +cluster|slots +cluster|info',
        },
      ]);
      expect(stack.redis.users.get('diagnostics-worker')).toMatchObject({ flags: ['on'], passwords: ['5e88…'] });
    });

    it('should report users that already have their rules as present', async () => {
      const stack = secureStack();
      await runAccess(stack.deps, undefined, NO_WAIT);

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(rows.filter((row) => row.kind === 'redis-user').map((row) => row.action)).toEqual([
        'present',
        'present',
        'present',
        'present',
      ]);
    });

    it('should say that a user turned off stays off', async () => {
      const stack = secureStack();
      stack.redis.users.set('ingest-gateway', { ...stack.redis.users.get('ingest-gateway'), flags: ['off'] });

      const { rows } = await runAccess(stack.deps, undefined, NO_WAIT);

      expect(rows.find((row) => row.name === 'ingest-gateway')?.details).toMatch(/; user is off$/);
    });

    it('should fail naming a missing user, saying the stack creates users, and change no user', async () => {
      const stack = secureStack();
      stack.redis.users.delete('recommendations-worker');

      await expect(runAccess(stack.deps, undefined, NO_WAIT)).rejects.toThrow(
        new AccessError(
          "Redis has no ACL user recommendations-worker: the stack creates each service's user with its password; access only grants what the user may do",
        ),
      );
      expect(stack.redis.set).toEqual([]);
    });

    it('should tell to run as the admin user when the Redis user may not change ACLs', async () => {
      const stack = secureStack();
      stack.redis.failWith = new Error("NOPERM this user has no permissions to run the 'acl|getuser' command");

      await expect(runAccess(stack.deps, undefined, NO_WAIT)).rejects.toThrow(
        'the Redis user used here may not change ACLs (NOPERM): run access with the admin user',
      );
    });

    it('should grant every node of a topology, naming each node in the report', async () => {
      const nodes = ['127.0.0.1:6400', '127.0.0.1:6401', '127.0.0.1:6402'].map((address) => ({ address, acl: redisNodeWithUsers() }));

      const { rows, redisSaved } = await runRedisAccess(nodes);

      for (const { acl } of nodes) expect(acl.set).toEqual([...SERVICES]);
      expect(rows).toHaveLength(SERVICES.length * nodes.length);
      expect(rows.filter((row) => row.name === 'diagnostics-worker').map((row) => row.details.split(':').slice(0, 2).join(':'))).toEqual(
        nodes.map(({ address }) => address),
      );
      expect(redisSaved).toBe(true);
    });

    it('should name the node a user is missing on, and change no node', async () => {
      const nodes = ['127.0.0.1:6400', '127.0.0.1:6401'].map((address) => ({ address, acl: redisNodeWithUsers() }));
      nodes[1]?.acl.users.delete('ops-console');

      await expect(runRedisAccess(nodes)).rejects.toThrow(
        new AccessError(
          "Redis has no ACL user ops-console on 127.0.0.1:6401: the stack creates each service's user with its password; access only grants what the user may do",
        ),
      );
      expect(nodes.map(({ acl }) => acl.set)).toEqual([[], []]);
    });

    it('should report a user already granted on one node and not on another by node', async () => {
      const granted = redisNodeWithUsers();
      await runRedisAccess([{ address: 'a:1', acl: granted }]);
      const nodes = [
        { address: 'a:1', acl: granted },
        { address: 'b:2', acl: redisNodeWithUsers() },
      ];

      const { rows } = await runRedisAccess(nodes);

      expect(rows.filter((row) => row.name === 'ingest-gateway').map((row) => [row.details.split(':')[0], row.action])).toEqual([
        ['a', 'present'],
        ['b', 'applied'],
      ]);
    });

    it('should say the grants were not saved when any node has no ACL file', async () => {
      const nodes = ['a:1', 'b:2'].map((address) => ({ address, acl: redisNodeWithUsers() }));
      if (nodes[1]) nodes[1].acl.saved = false;

      expect((await runRedisAccess(nodes)).redisSaved).toBe(false);
    });

    it('should refuse a topology without nodes', async () => {
      await expect(runRedisAccess([])).rejects.toThrow('access found no Redis node to grant on');
    });

    it('should report whether Redis saved the grants to its ACL file', async () => {
      const stack = secureStack();
      stack.redis.saved = false;

      expect((await runAccess(stack.deps, undefined, NO_WAIT)).redisSaved).toBe(false);
    });
  });
});
