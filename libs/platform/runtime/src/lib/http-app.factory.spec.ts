import { Controller, Get, Module, Param, Post, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PROBLEM_LOG_FIELDS, createHttpApp, type ProblemLogFields } from './http-app.factory';

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }

  @Post('hook')
  hook() {
    return { ok: true };
  }

  @Post('broken')
  broken() {
    throw new Error('the database is on fire');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe(createHttpApp.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createHttpApp(ThingsModule);
    app.useLogger(false);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const ask = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string) => {
    const response = await app.inject({ method, url, headers: { 'x-correlation-id': 'corr-edge' } });
    return { status: response.statusCode, contentType: String(response.headers['content-type']), allow: response.headers['allow'], body: response.json<Record<string, unknown>>() };
  };

  describe('errors raised before routing', () => {
    it('should answer an over-long path parameter with a 414 problem whose detail does not echo the path', async () => {
      const response = await ask('GET', `/v1/things/${'x'.repeat(150)}`);

      expect(response).toMatchObject({ status: 414, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(response.body).toMatchObject({ type: '/problems/uri-too-long', status: 414, correlation_id: 'corr-edge' });
      expect(response.body['detail']).toBe('a path segment is longer than this API accepts');
    });

    it('should answer a malformed URL with a 400 problem', async () => {
      const response = await ask('GET', '/v1/things/%E0%A4%A');

      expect(response).toMatchObject({ status: 400, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(response.body['type']).toBe('/problems/bad-request');
    });
  });

  describe('methods', () => {
    it('should answer a known path with the wrong method 405, listing the allowed ones in Allow', async () => {
      const response = await ask('GET', '/v1/things/hook');
      const put = await ask('PUT', '/v1/things/hook');

      // GET /v1/things/hook matches GET /v1/things/:id; PUT matches nothing but POST does.
      expect(response.status).toBe(200);
      expect(put).toMatchObject({ status: 405, allow: 'GET, HEAD, POST', contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect(put.body).toMatchObject({ type: '/problems/method-not-allowed', status: 405, detail: 'PUT is not allowed here; allowed: GET, HEAD, POST' });
    });

    it('should answer 405 for a parametric route asked with another method', async () => {
      expect(await ask('DELETE', '/v1/things/abc')).toMatchObject({ status: 405, allow: 'GET, HEAD' });
    });

    it('should keep 404 for a path no route matches', async () => {
      const response = await ask('GET', '/nope');

      expect(response.status).toBe(404);
      expect(response.body['type']).toBe('/problems/not-found');
    });
  });

  describe('5xx lines', () => {
    it('should log a failure with its cause and the fields the app provides under PROBLEM_LOG_FIELDS for the request', async () => {
      const errors: unknown[][] = [];
      const capture: LoggerService = { log: () => undefined, warn: () => undefined, error: (...line: unknown[]) => void errors.push(line) };
      const fields: ProblemLogFields = (request) => ({ correlation_id: request.headers['x-correlation-id'] });
      const named = await createHttpApp({ module: ThingsModule, providers: [{ provide: PROBLEM_LOG_FIELDS, useValue: fields }] });
      named.useLogger(capture);
      await named.init();
      try {
        const response = await named.inject({ method: 'POST', url: '/v1/things/broken', headers: { 'x-correlation-id': 'corr-5xx' } });

        expect(response.statusCode).toBe(500);
        expect(errors).toEqual([[expect.objectContaining({ correlation_id: 'corr-5xx', status: 500, err: expect.objectContaining({ message: 'the database is on fire' }) }), 'request failed', 'ProblemDetailsFilter']]);
      } finally {
        await named.close();
      }
    });
  });
});
