import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { SchemaRegistryClient, SchemaRegistryRequestError, SchemaRegistryUnavailableError } from '../src';
import { unusedPort } from './registry-stack';
import { agentCompletedV1, validAgentCompleted } from './test-schemas';

const frame = Buffer.from([0, 0, 0, 0, 7, 2, 0x61]);

/** Every client call that may touch the registry, by name. */
const calls: Array<[string, (client: SchemaRegistryClient) => Promise<unknown>]> = [
  ['ensureSubject', (client) => client.ensureSubject('any-value', agentCompletedV1)],
  ['checkCompatibility', (client) => client.checkCompatibility('any-value', agentCompletedV1)],
  ['encode', (client) => client.encode('any-value', validAgentCompleted)],
  ['encodeWithId', (client) => client.encodeWithId(7, validAgentCompleted)],
  ['decode', (client) => client.decode(frame)],
  // decodeBatch never rejects: the message's result carries the error decode would throw.
  [
    'decodeBatch',
    async (client) => {
      const [result] = await client.decodeBatch([frame]);
      if (result?.error) throw result.error;
      return result;
    },
  ],
  ['ping', (client) => client.ping()],
];

const listen = async <T extends HttpServer | TcpServer>(server: T): Promise<{ server: T; url: string }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/apis/ccompat/v7` };
};

const close = (server: HttpServer | TcpServer) => new Promise((resolve) => server.close(resolve));

describe(`${SchemaRegistryClient.name} (registry unavailable)`, () => {
  describe('with nobody listening on the port', () => {
    let client: SchemaRegistryClient;

    beforeAll(async () => {
      client = new SchemaRegistryClient({
        url: `http://127.0.0.1:${await unusedPort()}/apis/ccompat/v7`,
        requestTimeoutMs: 1_000,
      });
    });

    it.each(calls)('should fail %s quickly with SchemaRegistryUnavailableError', async (_, call) => {
      const started = Date.now();

      const error = await call(client).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect(error).toMatchObject({ code: 'SCHEMA_REGISTRY_UNAVAILABLE', cause: expect.anything() });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });

  describe('with a registry that accepts connections but never answers', () => {
    const sockets: Socket[] = [];
    let blackHole: TcpServer;
    let client: SchemaRegistryClient;

    beforeAll(async () => {
      const { server, url } = await listen(createTcpServer((socket) => sockets.push(socket)));
      blackHole = server;
      client = new SchemaRegistryClient({ url, requestTimeoutMs: 300 });
    });

    afterAll(async () => {
      sockets.forEach((socket) => socket.destroy());
      await close(blackHole);
    });

    it('should open no connection at construction', () => {
      expect(sockets).toHaveLength(0);
    });

    it.each(calls)('should time %s out with SchemaRegistryUnavailableError', async (_, call) => {
      const started = Date.now();

      const error = await call(client).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect((error as Error).message).toMatch(/time/i);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('with a registry answering errors', () => {
    let status = 503;
    let http: HttpServer;
    let client: SchemaRegistryClient;

    beforeAll(async () => {
      const { server, url } = await listen(
        createHttpServer((_, response) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error_code: status * 100, message: `failure ${status}` }));
        }),
      );
      http = server;
      client = new SchemaRegistryClient({
        url,
        auth: { username: 'svc', password: 'secret' },
        requestTimeoutMs: 1_000,
      });
    });

    afterAll(async () => {
      await close(http);
    });

    it.each(calls)('should turn a 503 on %s into SchemaRegistryUnavailableError', async (_, call) => {
      status = 503;

      await expect(call(client)).rejects.toMatchObject({ code: 'SCHEMA_REGISTRY_UNAVAILABLE', status: 503 });
    });

    it.each(calls)('should turn a 401 on %s into SchemaRegistryRequestError, not unavailable', async (_, call) => {
      status = 401;

      const error = await call(client).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SchemaRegistryRequestError);
      expect(error).toMatchObject({ code: 'SCHEMA_REGISTRY_REQUEST_FAILED', status: 401 });
    });
  });
});
