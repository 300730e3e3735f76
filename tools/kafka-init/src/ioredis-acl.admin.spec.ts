import type { Redis } from 'ioredis';
import { IoredisAclAdmin, aclAdminRedisOptions, connectAclAdmin } from './ioredis-acl.admin';

const fakeRedis = (call: jest.Mock) => ({ call }) as unknown as Pick<Redis, 'call'>;

describe(IoredisAclAdmin.name, () => {
  describe('getUser', () => {
    it("should turn ACL GETUSER's field/value list into a record", async () => {
      const call = jest
        .fn()
        .mockResolvedValue([
          'flags',
          ['on'],
          'passwords',
          ['h'],
          'commands',
          '-@all',
          'keys',
          '~a:*',
          'channels',
          '',
          'selectors',
          [],
        ]);

      await expect(new IoredisAclAdmin(fakeRedis(call)).getUser('ingest-gateway')).resolves.toEqual({
        flags: ['on'],
        passwords: ['h'],
        commands: '-@all',
        keys: '~a:*',
        channels: '',
        selectors: [],
      });
      expect(call).toHaveBeenCalledWith('ACL', 'GETUSER', 'ingest-gateway');
    });

    it('should answer null for a user Redis does not know', async () => {
      await expect(
        new IoredisAclAdmin(fakeRedis(jest.fn().mockResolvedValue(null))).getUser('nobody'),
      ).resolves.toBeNull();
    });
  });

  describe('setUser', () => {
    it('should send ACL SETUSER with the rules as separate arguments', async () => {
      const call = jest.fn().mockResolvedValue('OK');

      await new IoredisAclAdmin(fakeRedis(call)).setUser('diagnostics-worker', ['resetkeys', '~a:*']);

      expect(call).toHaveBeenCalledWith('ACL', 'SETUSER', 'diagnostics-worker', 'resetkeys', '~a:*');
    });
  });

  describe('save', () => {
    it('should answer true once Redis saved its ACL file', async () => {
      await expect(new IoredisAclAdmin(fakeRedis(jest.fn().mockResolvedValue('OK'))).save()).resolves.toBe(true);
    });

    it('should answer false when Redis has no ACL file', async () => {
      const call = jest
        .fn()
        .mockRejectedValue(new Error('ERR This Redis instance is not configured to use an ACL file.'));

      await expect(new IoredisAclAdmin(fakeRedis(call)).save()).resolves.toBe(false);
    });

    it('should pass any other failure on', async () => {
      const call = jest.fn().mockRejectedValue(new Error('NOPERM'));

      await expect(new IoredisAclAdmin(fakeRedis(call)).save()).rejects.toThrow('NOPERM');
    });
  });
});

describe(aclAdminRedisOptions.name, () => {
  it('should log in as the configured user, connect on demand and never retry in the background', () => {
    const options = aclAdminRedisOptions({
      host: 'redis',
      port: 6380,
      username: 'opal-admin',
      password: 'p',
      tls: true,
    });

    expect(options).toMatchObject({
      host: 'redis',
      port: 6380,
      username: 'opal-admin',
      password: 'p',
      tls: {},
      connectionName: 'kafka-init',
      lazyConnect: true,
    });
    expect(options.retryStrategy?.(1)).toBeNull();
  });
});

describe(connectAclAdmin.name, () => {
  it("should reject with the reason ioredis emitted rather than its bare 'Connection is closed.'", async () => {
    const listeners: Array<(error: unknown) => void> = [];
    const redis = {
      on: (_event: string, listener: (error: unknown) => void) => listeners.push(listener),
      connect: async () => {
        for (const listener of listeners)
          listener(new Error('WRONGPASS invalid username-password pair or user is disabled.'));
        throw new Error('Connection is closed.');
      },
    } as unknown as Pick<Redis, 'on' | 'connect'>;

    await expect(connectAclAdmin(redis)).rejects.toThrow('WRONGPASS');
  });
});
