import { KafkaHealthIndicator, type KafkaHealthAdmin } from './kafka.health-indicator';

function fakeAdmin(overrides: Partial<KafkaHealthAdmin> = {}): jest.Mocked<KafkaHealthAdmin> {
  return {
    connect: jest.fn().mockResolvedValue(undefined),
    describeCluster: jest.fn().mockResolvedValue({ brokers: [{ nodeId: 1 }], clusterId: 'c-1', controller: 1 }),
    disconnect: jest.fn().mockResolvedValue(undefined),
    ...overrides,
  } as jest.Mocked<KafkaHealthAdmin>;
}

const client = { brokers: ['127.0.0.1:9092'] };

describe(KafkaHealthIndicator.name, () => {
  describe('check', () => {
    it('should report up with the cluster id and broker count', async () => {
      const indicator = new KafkaHealthIndicator({ client }, () => fakeAdmin());

      expect(await indicator.check()).toEqual({ kafka: { status: 'up', clusterId: 'c-1', brokers: 1 } });
    });

    it('should connect once and reuse the admin while the cluster answers', async () => {
      const admin = fakeAdmin();
      const create = jest.fn(() => admin);
      const indicator = new KafkaHealthIndicator({ client }, create);
      await indicator.check();
      await indicator.check();

      expect(create).toHaveBeenCalledTimes(1);
      expect(admin.connect).toHaveBeenCalledTimes(1);
      expect(admin.describeCluster).toHaveBeenCalledTimes(2);
    });

    it('should report down when the broker refuses the connection', async () => {
      const admin = fakeAdmin({
        connect: jest.fn().mockRejectedValue(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1')),
      });
      const indicator = new KafkaHealthIndicator({ client, key: 'kafka' }, () => admin);

      expect(await indicator.check()).toEqual({
        kafka: { status: 'down', message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1' },
      });
      expect(admin.disconnect).toHaveBeenCalled();
    });

    it('should name the setting to look at when the brokers refuse the client, e.g. a plaintext client at a TLS listener', async () => {
      const closed = Object.assign(new Error('Closed connection'), { name: 'KafkaJSConnectionClosedError' });
      const admin = fakeAdmin({ connect: jest.fn().mockRejectedValue(closed) });
      const indicator = new KafkaHealthIndicator({ client: { ...client, ssl: false }, key: 'kafka' }, () => admin);

      expect(await indicator.check()).toEqual({
        kafka: {
          status: 'down',
          message:
            'the broker closed the connection before answering: its listener probably requires TLS (KAFKA_SSL is false)',
        },
      });
    });

    it('should name the configured user when the brokers refuse its credentials', async () => {
      const refused = Object.assign(new Error('SASL SCRAM SHA512 authentication failed'), {
        name: 'KafkaJSSASLAuthenticationError',
      });
      const admin = fakeAdmin({ connect: jest.fn().mockRejectedValue(refused) });
      const sasl = { mechanism: 'scram-sha-512' as const, username: 'ingest-gateway', password: 'not-in-the-message' };
      const indicator = new KafkaHealthIndicator({ client: { ...client, ssl: true, sasl } }, () => admin);

      const result = await indicator.check();

      expect(result['kafka']?.['message']).toBe(
        'Kafka refused the credentials of user "ingest-gateway" (SASL authentication failed): check KAFKA_USERNAME and KAFKA_PASSWORD',
      );
      expect(JSON.stringify(result)).not.toContain('not-in-the-message');
    });

    it('should drop a failed admin and reconnect with a new one (a restarted broker)', async () => {
      const broken = fakeAdmin({
        describeCluster: jest.fn().mockRejectedValue(new Error('Broker closed the connection')),
      });
      const fresh = fakeAdmin();
      const create = jest.fn().mockReturnValueOnce(broken).mockReturnValueOnce(fresh);
      const indicator = new KafkaHealthIndicator({ client }, create);

      expect((await indicator.check())['kafka']?.status).toBe('down');
      expect((await indicator.check())['kafka']?.status).toBe('up');
      expect(broken.disconnect).toHaveBeenCalled();
      expect(create).toHaveBeenCalledTimes(2);
    });

    it('should report down when the cluster does not answer in time', async () => {
      const admin = fakeAdmin({ describeCluster: jest.fn(() => new Promise<never>(() => undefined)) });
      const indicator = new KafkaHealthIndicator({ client, timeoutMs: 20 }, () => admin);

      expect(await indicator.check()).toEqual({
        kafka: { status: 'down', message: 'kafka did not answer within 20 ms' },
      });
    });
  });

  describe('onApplicationShutdown', () => {
    it('should disconnect the admin it opened', async () => {
      const admin = fakeAdmin();
      const indicator = new KafkaHealthIndicator({ client }, () => admin);
      await indicator.check();
      await indicator.onApplicationShutdown();

      expect(admin.disconnect).toHaveBeenCalledTimes(1);
    });

    it('should do nothing when no check ever ran', async () => {
      const create = jest.fn(() => fakeAdmin());
      await new KafkaHealthIndicator({ client }, create).onApplicationShutdown();

      expect(create).not.toHaveBeenCalled();
    });
  });
});
