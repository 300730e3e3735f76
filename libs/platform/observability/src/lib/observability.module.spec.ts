import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { OBSERVABILITY_OPTIONS } from './observability.constants';
import { ObservabilityModule } from './observability.module';
import { OpalMetrics } from './metrics/opal.metrics';

const APP_CONFIG = 'TEST:APP_CONFIG';

@Module({ providers: [{ provide: APP_CONFIG, useValue: { name: 'async-app', level: 'debug' } }], exports: [APP_CONFIG] })
class AppConfigModule {}

describe(ObservabilityModule.name, () => {
  describe('forRoot', () => {
    it('should add one metrics controller per extra path and be global by default', () => {
      const module = ObservabilityModule.forRoot({ appName: 'a', logLevel: 'info', extraMetricsPaths: ['/api/metrics', '/internal/metrics'] });

      expect(module.global).toBe(true);
      expect(module.controllers).toHaveLength(2);
      expect(ObservabilityModule.forRoot({ appName: 'a', logLevel: 'info', isGlobal: false }).global).toBe(false);
    });
  });

  describe('forRootAsync', () => {
    it('should resolve the options from injected config for the logger, metrics and extra paths alike', async () => {
      const lines: string[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const moduleRef = await Test.createTestingModule({
        imports: [
          ObservabilityModule.forRootAsync({
            imports: [AppConfigModule],
            inject: [APP_CONFIG],
            useFactory: (config: { name: string; level: 'debug' }) => ({ appName: config.name, logLevel: config.level, destination }),
            extraMetricsPaths: ['/api/metrics'],
          }),
        ],
      }).compile();
      const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      app.get(OpalMetrics).recordWebhookRequest(500);
      const response = await app.inject({ method: 'GET', url: '/api/metrics', headers: { 'x-correlation-id': 'async-1' } });
      const missing = await app.inject({ method: 'GET', url: '/missing' });
      const options: unknown = app.get(OBSERVABILITY_OPTIONS);
      await app.close();

      expect(options).toMatchObject({ appName: 'async-app', logLevel: 'debug' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-correlation-id']).toBe('async-1');
      expect(response.body).toContain('opal_webhook_requests_total{status="500"}');
      expect(missing.statusCode).toBe(404);
      expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ service: 'async-app', level: 'warn', res: { statusCode: 404 } });
    });
  });
});
