import { Catch, HttpException, Inject, Injectable, Module, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { FastifyReply } from 'fastify';
import { HealthModule, type HealthModuleExtras, type HealthModuleOptions, type ReadinessIndicator } from '../index';

const indicator = (key: string, status: 'up' | 'down' = 'up', extra: Record<string, unknown> = {}): ReadinessIndicator => ({
  key,
  check: async () => ({ [key]: { status, ...extra } }) as HealthIndicatorResult,
});

/** A global filter like the apps' problem+json one: the readiness body must not pass through it. */
@Catch()
class RewritingFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    void host.switchToHttp().getResponse<FastifyReply>().status(status).send({ rewritten: true });
  }
}

async function boot(options: Partial<HealthModuleOptions & HealthModuleExtras>) {
  const moduleRef = await Test.createTestingModule({ imports: [HealthModule.forRoot(options)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new RewritingFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };
  return { app, get };
}

describe(HealthModule.name, () => {
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('forRoot', () => {
    it('should answer ready 200 with every indicator up', async () => {
      const booted = await boot({ readiness: [indicator('kafka', 'up', { brokers: 1 }), indicator('redis')] });
      app = booted.app;

      expect(await booted.get('/health/ready')).toEqual({
        status: 200,
        body: {
          status: 'ok',
          info: { kafka: { status: 'up', brokers: 1 }, redis: { status: 'up' } },
          error: {},
          details: { kafka: { status: 'up', brokers: 1 }, redis: { status: 'up' } },
        },
      });
    });

    it('should answer ready 503 with Terminus\'s body naming the dependency that is down', async () => {
      const booted = await boot({ readiness: [indicator('kafka'), indicator('redis', 'down', { message: 'connect ECONNREFUSED' })] });
      app = booted.app;
      const { status, body } = await booted.get('/health/ready');

      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        info: { kafka: { status: 'up' } },
        error: { redis: { status: 'down', message: 'connect ECONNREFUSED' } },
      });
    });

    it('should report an indicator that throws or hangs as down, within the module deadline', async () => {
      const throwing: ReadinessIndicator = { key: 'flaky', check: () => Promise.reject(new Error('exploded')) };
      const hanging: ReadinessIndicator = { key: 'stuck', check: () => new Promise(() => undefined) };
      const booted = await boot({ readiness: [throwing, hanging], checkTimeoutMs: 50 });
      app = booted.app;
      const { status, body } = await booted.get('/health/ready');

      expect(status).toBe(503);
      expect(body['error']).toEqual({
        flaky: { status: 'down', message: 'exploded' },
        stuck: { status: 'down', message: 'stuck did not answer within 50 ms' },
      });
    });

    it('should build class and factory indicators with their injected dependencies', async () => {
      const CLUSTER = 'TEST:CLUSTER';

      @Module({ providers: [{ provide: CLUSTER, useValue: 'blue' }], exports: [CLUSTER] })
      class ClusterModule {}

      @Injectable()
      class ConsumerGroupHealthIndicator implements ReadinessIndicator {
        readonly key = 'consumer_group';
        constructor(@Inject(CLUSTER) private readonly cluster: string) {}
        async check() {
          return { [this.key]: { status: 'up' as const, cluster: this.cluster } };
        }
      }

      const booted = await boot({
        imports: [ClusterModule],
        readiness: [ConsumerGroupHealthIndicator, { inject: [CLUSTER], useFactory: (cluster: string) => indicator(`db_${cluster}`) }],
      });
      app = booted.app;

      expect((await booted.get('/health/ready')).body['details']).toEqual({
        consumer_group: { status: 'up', cluster: 'blue' },
        db_blue: { status: 'up' },
      });
    });

    it('should serve the seed aliases only when asked: /api/health as ready, /api/kafka/health as Kafka alone', async () => {
      const booted = await boot({ seedAliases: true, readiness: [indicator('kafka'), indicator('redis', 'down')] });
      app = booted.app;
      const all = await booted.get('/api/health');
      const kafka = await booted.get('/api/kafka/health');

      expect(all.status).toBe(503);
      expect(kafka).toMatchObject({ status: 200, body: { status: 'ok', details: { kafka: { status: 'up' } } } });
      expect(Object.keys(kafka.body['details'] as object)).toEqual(['kafka']);

      const plain = await boot({ readiness: [indicator('kafka')] });
      expect(await plain.get('/api/health')).toEqual({ status: 404, body: { rewritten: true } });
      await plain.app.close();
    });

    it('should answer /api/kafka/health 503 when no Kafka indicator is configured', async () => {
      const booted = await boot({ seedAliases: true, readiness: [indicator('redis')] });
      app = booted.app;

      expect(await booted.get('/api/kafka/health')).toMatchObject({
        status: 503,
        body: { error: { kafka: { status: 'down', message: 'no readiness indicator is configured under "kafka"' } } },
      });
    });
  });

  describe('forRootAsync', () => {
    it('should take the runtime options from a factory and the checks from the extras', async () => {
      const hanging: ReadinessIndicator = { key: 'stuck', check: () => new Promise(() => undefined) };
      const moduleRef = await Test.createTestingModule({
        imports: [HealthModule.forRootAsync({ useFactory: () => ({ checkTimeoutMs: 40 }), readiness: [hanging, indicator('kafka')] })],
      }).compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        info: { kafka: { status: 'up' } },
        error: { stuck: { status: 'down', message: 'stuck did not answer within 40 ms' } },
      });
    });
  });

  describe('shutdown', () => {
    it('should turn ready 503 as soon as the app closes while live stays 200, and wait the drain on SIGTERM', async () => {
      const booted = await boot({ readiness: [indicator('kafka')], gracefulShutdownTimeoutMs: 300 });
      const started = Date.now();
      // What `enableShutdownHooks` does on SIGTERM; the public interface omits the signal.
      const closing = (booted.app as unknown as { close(signal: string): Promise<void> }).close('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const ready = await booted.get('/health/ready');
      const live = await booted.get('/health/live');
      await closing;

      expect(ready).toEqual({ status: 503, body: { status: 'shutting_down', info: {}, error: {}, details: {} } });
      expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    });
  });

  describe('close', () => {
    it('should let instance indicators release their connections', async () => {
      const onApplicationShutdown = jest.fn();
      const booted = await boot({ readiness: [Object.assign(indicator('kafka'), { onApplicationShutdown })] });
      await booted.app.close();

      expect(onApplicationShutdown).toHaveBeenCalledTimes(1);
    });
  });

  describe('without forRoot', () => {
    it('should answer ready 200 with nothing to check', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [HealthModule] }).compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    });
  });
});
