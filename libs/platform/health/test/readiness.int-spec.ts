import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { freePort } from '@opal/platform-runtime/testing';
import { SchemaRegistryModule } from '@opal/platform-schema-registry';
import { Redis } from 'ioredis';
import { HealthModule, kafkaReadiness, redisReadiness, schemaRegistryReadiness } from '../src/index';

const env = process.env;
const brokers = (env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
const redisHost = env['REDIS_HOST'] ?? LOCAL_STACK_DEFAULTS.redisHost;
const redisPort = Number(env['REDIS_PORT'] ?? LOCAL_STACK_DEFAULTS.redisPort);
const REDIS = 'TEST:REDIS';

interface Stack {
  brokers: string[];
  registryUrl: string;
  redisPort: number;
}

type HealthBody = Record<string, Record<string, { status: string; message?: string }>>;

interface RunningHealthApp {
  app: NestFastifyApplication;
  get(path: string): Promise<{ status: number; body: HealthBody }>;
  close(signal?: string): Promise<void>;
}

/** A Fastify app with the gateway's readiness checks, pointed at `stack`. */
async function startHealthApp(stack: Stack, gracefulShutdownTimeoutMs = 0): Promise<RunningHealthApp> {
  const redis = new Redis({ host: redisHost, port: stack.redisPort, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  redis.on('error', () => undefined);

  @Module({ providers: [{ provide: REDIS, useValue: redis }], exports: [REDIS] })
  class RedisTestModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    HealthModule.forRoot({
      imports: [RedisTestModule, SchemaRegistryModule.forRoot({ url: stack.registryUrl })],
      readiness: [
        kafkaReadiness({ clientId: 'health-int', brokers: stack.brokers }),
        redisReadiness(REDIS),
        schemaRegistryReadiness(),
      ],
      seedAliases: true,
      gracefulShutdownTimeoutMs,
    }),
    new FastifyAdapter(),
    { logger: false },
  );
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };
  const close = async (signal?: string) => {
    await (app as unknown as { close(signal?: string): Promise<void> }).close(signal);
    redis.disconnect();
  };
  return { app, get, close };
}

const realStack: Stack = { brokers, registryUrl, redisPort };

describe('GET /health/ready against the real stack', () => {
  describe('with Kafka, Redis and the Schema Registry up', () => {
    let running: RunningHealthApp;

    beforeAll(async () => {
      running = await startHealthApp(realStack);
    });

    afterAll(async () => {
      await running?.close();
    });

    it('should answer 200 with all three up', async () => {
      const { status, body } = await running.get('/health/ready');

      expect(status).toBe(200);
      expect(body['details']).toEqual({
        kafka: { status: 'up', clusterId: expect.any(String), brokers: expect.any(Number) },
        redis: { status: 'up' },
        schema_registry: { status: 'up' },
      });
    });

    it('should keep one Kafka connection across checks', async () => {
      const answers = await Promise.all([running.get('/health/ready'), running.get('/health/ready'), running.get('/api/kafka/health')]);

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    });

    it('should answer the seed aliases: /api/health like ready, /api/kafka/health with Kafka only', async () => {
      const all = await running.get('/api/health');
      const kafka = await running.get('/api/kafka/health');

      expect(all.status).toBe(200);
      expect(Object.keys(all.body['details'] ?? {})).toEqual(['kafka', 'redis', 'schema_registry']);
      expect(kafka.status).toBe(200);
      expect(Object.keys(kafka.body['details'] ?? {})).toEqual(['kafka']);
    });
  });

  describe.each([
    ['kafka', async (): Promise<Stack> => ({ ...realStack, brokers: [`127.0.0.1:${await freePort()}`] })],
    ['redis', async (): Promise<Stack> => ({ ...realStack, redisPort: await freePort() })],
    ['schema_registry', async (): Promise<Stack> => ({ ...realStack, registryUrl: `http://127.0.0.1:${await freePort()}/apis/ccompat/v7` })],
  ])('with %s on a closed port', (down, stackWithClosedPort) => {
    let running: RunningHealthApp;

    beforeAll(async () => {
      running = await startHealthApp(await stackWithClosedPort());
    });

    afterAll(async () => {
      await running?.close();
    });

    it(`should answer 503 naming ${down} down within a few seconds, the others up`, async () => {
      const started = Date.now();
      const { status, body } = await running.get('/health/ready');

      expect(Date.now() - started).toBeLessThan(3000);
      expect(status).toBe(503);
      expect(body['status']).toBe('error');
      expect(Object.keys(body['error'] ?? {})).toEqual([down]);
      expect(body['error']?.[down]).toEqual({ status: 'down', message: expect.any(String) });
      expect(Object.keys(body['info'] ?? {}).sort()).toEqual(['kafka', 'redis', 'schema_registry'].filter((key) => key !== down));
    });

    it('should keep answering down on repeated probes, and keep live 200', async () => {
      const again = await running.get('/health/ready');
      const live = await running.get('/health/live');

      expect(again.status).toBe(503);
      expect(live.status).toBe(200);
    });
  });

  describe('during a graceful shutdown', () => {
    it('should answer ready 503 while live stays 200 until the server closes', async () => {
      const running = await startHealthApp(realStack, 1500);
      expect((await running.get('/health/ready')).status).toBe(200);

      const closing = running.close('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const ready = await running.get('/health/ready');
      const live = await running.get('/health/live');
      await closing;

      expect(ready).toEqual({ status: 503, body: { status: 'shutting_down', info: {}, error: {}, details: {} } });
      expect(live.status).toBe(200);
      expect(live.body['status']).toBe('ok');
    });
  });
});
