import { BadRequestException, Controller, Get, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemDetailsFilter } from './problem-details.filter';
import { ProblemException } from './problem.exception';

@Controller('probe')
class ProbeController {
  @Get('problem')
  problem() {
    throw new ProblemException(429, 'rate-limited', 'Too many requests', {
      detail: 'over 10 requests per second',
      headers: { 'retry-after': '1' },
      errors: [{ path: 'data.x', message: 'bad' }],
    });
  }

  @Get('http')
  http() {
    throw new BadRequestException('nope');
  }

  @Get('bug')
  bug() {
    throw new Error('secret internal detail');
  }

  @Post('echo')
  echo() {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe(ProblemDetailsFilter.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 64 }), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('should render a ProblemException with its type, headers, errors and the correlation id', async () => {
    const response = await get('/probe/problem', { 'x-correlation-id': 'corr-9' });

    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({
      type: '/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: 'over 10 requests per second',
      instance: '/probe/problem',
      correlation_id: 'corr-9',
      errors: [{ path: 'data.x', message: 'bad' }],
    });
  });

  it('should turn a Nest HttpException into problem+json', async () => {
    const response = await get('/probe/http');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/bad-request', status: 400, detail: 'nope' });
  });

  it('should hide the message of an unexpected error behind a 500', async () => {
    const response = await get('/probe/bug');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internal detail');
    expect(response.json()).toMatchObject({ type: '/problems/internal-error', status: 500 });
  });

  it('should answer Fastify\'s own errors (too large, wrong media type, unknown route) as problem+json', async () => {
    const tooLarge = await app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(100) }) });
    const wrongType = await app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    const unknown = await get('/nowhere');

    expect([tooLarge.statusCode, wrongType.statusCode, unknown.statusCode]).toEqual([413, 415, 404]);
    for (const response of [tooLarge, wrongType, unknown]) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toHaveProperty('type');
    }
    expect(tooLarge.json().type).toBe('/problems/payload-too-large');
    expect(wrongType.json().type).toBe('/problems/unsupported-media-type');
  });
});
