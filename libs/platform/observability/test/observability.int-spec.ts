import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Logger, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '@opal/platform-runtime/testing';
import type { FastifyRequest } from 'fastify';
import {
  correlationIdOf,
  currentCorrelationId,
  JsonLogger,
  OPAL_METRICS,
  ObservabilityModule,
  OpalMetrics,
  requestLogFields,
} from '../src/index';

const lines: string[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const parsedLines = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

@Controller()
class ProbeHttpController {
  private readonly logger = new Logger(ProbeHttpController.name);

  @Get('probe')
  probe(@Req() request: FastifyRequest) {
    this.logger.log('probe handled');
    return { fromRequest: correlationIdOf(request), fromContext: currentCorrelationId() };
  }

  @Post('probe')
  async echo(@Body() body: unknown) {
    // Past the body parser and an await: still inside the request's context.
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.logger.log('echo handled');
    return { received: typeof body, fromContext: currentCorrelationId() };
  }

  @Get('named')
  named(@Req() request: FastifyRequest) {
    this.logger.log(requestLogFields(request), 'named handled');
    return { fromContext: currentCorrelationId() ?? null };
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    ObservabilityModule.forRoot({ appName: 'observability-int', logLevel: 'info', destination, extraMetricsPaths: ['/api/metrics'] }),
  ],
  controllers: [ProbeHttpController],
})
class ProbeAppModule {}

@Module({
  imports: [ObservabilityModule.forRoot({ appName: 'observability-int-explicit', logLevel: 'info', destination, requestContext: false })],
  controllers: [ProbeHttpController],
})
class ExplicitContextAppModule {}

/** The raw lines naming `correlationId`, each with how many times it names it. */
const timesNamed = (correlationId: string) =>
  lines.filter((line) => line.includes(correlationId)).map((line) => line.split(`"correlation_id":"${correlationId}"`).length - 1);

async function startApp(module: typeof ProbeAppModule) {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

const promtool = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : undefined;

describe('ObservabilityModule in a Fastify app', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let startupLines: Record<string, unknown>[];

  beforeAll(async () => {
    ({ app, baseUrl } = await startApp(ProbeAppModule));
    startupLines = parsedLines();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    lines.length = 0;
  });

  describe('GET /metrics', () => {
    let response: Response;
    let text: string;

    beforeAll(async () => {
      const metrics = app.get(OpalMetrics);
      metrics.recordProduced('opal.workflow.started', 'success', 0.003);
      metrics.recordConsumed('opal.workflow.started', 'opal-diagnostics', 'processed', 0.01);
      metrics.setConsumerLag('opal.workflow.started', 0, 'opal-diagnostics', 3);
      metrics.recordIdempotencyCheck('http', 'claimed');
      metrics.recordWebhookRequest(202);
      metrics.setCircuitBreakerState('redis', 'closed');
      response = await fetch(`${baseUrl}/metrics`);
      text = await response.text();
    });

    it('should answer the Prometheus text format', () => {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    });

    it.each(Object.values(OPAL_METRICS).map((m) => [m.name, m.type] as const))('should declare %s as a %s', (name, type) => {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} ${type}`);
    });

    it('should include Node process metrics and the recorded samples', () => {
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      expect(text).toContain('opal_events_produced_total{topic="opal.workflow.started",result="success"} 1');
      expect(text).toContain('opal_circuit_breaker_state{name="redis"} 0');
    });

    it('should pass `promtool check metrics`', () => {
      if (!promtool) throw new Error('promtool is not installed: apt-get install prometheus (npm test and .ci/run install it)');
      const check = spawnSync(promtool ?? 'promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

      expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: '' });
    });

    it('should serve the same metrics on /api/metrics', async () => {
      const alias = await fetch(`${baseUrl}/api/metrics`);

      expect(alias.status).toBe(200);
      expect(await alias.text()).toContain('# TYPE opal_webhook_requests_total counter');
    });
  });

  describe('request logs', () => {
    it('should start with JSON lines only, none above info (no route-syntax warnings)', () => {
      expect(startupLines.length).toBeGreaterThan(0);
      expect(startupLines.filter((line) => line['level'] !== 'info')).toEqual([]);
      expect(startupLines.every((line) => line['service'] === 'observability-int')).toBe(true);
    });

    it('should echo a valid x-correlation-id and log it as correlation_id on every line of the request', async () => {
      const response = await fetch(`${baseUrl}/probe`, {
        headers: {
          'x-correlation-id': 'abc-123',
          'webhook-signature': 'v1,c2VjcmV0LXNpZ25hdHVyZQ==',
          authorization: 'Bearer top-secret-token',
          cookie: 'session=s3cr3t',
        },
      });

      expect(response.headers.get('x-correlation-id')).toBe('abc-123');
      expect(await response.json()).toEqual({ fromRequest: 'abc-123', fromContext: 'abc-123' });
      const logs = parsedLines();
      const handled = logs.find((line) => line['msg'] === 'probe handled');
      const completed = logs.find((line) => line['msg'] === 'request completed');
      expect(handled).toMatchObject({ correlation_id: 'abc-123', service: 'observability-int', context: 'ProbeHttpController' });
      expect(completed).toMatchObject({ correlation_id: 'abc-123', level: 'info', res: { statusCode: 200 } });
      const raw = lines.join('\n');
      expect(raw).toContain('"correlation_id":"abc-123"');
      for (const secret of ['c2VjcmV0LXNpZ25hdHVyZQ==', 'top-secret-token', 's3cr3t']) expect(raw).not.toContain(secret);
    });

    it('should write the id once on a line that also names its request with requestLogFields', async () => {
      const response = await fetch(`${baseUrl}/named`, { headers: { 'x-correlation-id': 'named-0' } });

      expect(await response.json()).toEqual({ fromContext: 'named-0' });
      expect(parsedLines().find((line) => line['msg'] === 'named handled')).toMatchObject({ correlation_id: 'named-0' });
      expect(timesNamed('named-0')).toEqual([1, 1]);
    });

    it('should replace an invalid correlation id with a generated UUID and echo that', async () => {
      const response = await fetch(`${baseUrl}/probe`, { headers: { 'x-correlation-id': 'has space' } });
      const echoed = response.headers.get('x-correlation-id');

      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(parsedLines().find((line) => line['msg'] === 'request completed')).toMatchObject({ correlation_id: echoed });
    });

    it('should echo the correlation id on Fastify\'s own 404 and log it as a warning', async () => {
      const response = await fetch(`${baseUrl}/nowhere`, { headers: { 'x-correlation-id': 'lost-1' } });

      expect(response.status).toBe(404);
      expect(response.headers.get('x-correlation-id')).toBe('lost-1');
      expect(parsedLines().find((line) => line['msg'] === 'request completed')).toMatchObject({
        correlation_id: 'lost-1',
        level: 'warn',
      });
    });

    it("should keep the request's correlation id through body parsing and awaits, with one request line", async () => {
      const response = await fetch(`${baseUrl}/probe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-correlation-id': 'posted-1' },
        body: JSON.stringify({ any: 'thing' }),
      });

      expect(await response.json()).toEqual({ received: 'object', fromContext: 'posted-1' });
      const logs = parsedLines();
      expect(logs.find((line) => line['msg'] === 'echo handled')).toMatchObject({ correlation_id: 'posted-1' });
      expect(logs.filter((line) => line['msg'] === 'request completed')).toEqual([
        expect.objectContaining({ correlation_id: 'posted-1', level: 'info', res: { statusCode: 201 }, responseTime: expect.any(Number) }),
      ]);
    });

    it('should never log a request body', async () => {
      const response = await fetch(`${baseUrl}/probe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.com' }),
      });

      expect(response.status).toBe(201);
      expect(parsedLines().some((line) => line['msg'] === 'request completed')).toBe(true);
      expect(lines.join('\n')).not.toContain('someone@example.com');
    });

    it('should log the request line with its method, url and allowlisted headers only, never a credential', async () => {
      await fetch(`${baseUrl}/probe?page=2`, {
        headers: {
          authorization: 'Bearer top-secret',
          'webhook-signature': 'v1,c2lnbmF0dXJl',
          cookie: 'session=abc',
          'webhook-id': 'msg_allowlisted',
          'user-agent': 'int-spec',
        },
      });

      const line = parsedLines().find((entry) => entry['msg'] === 'request completed' && JSON.stringify(entry).includes('msg_allowlisted'));
      expect(line?.['req']).toEqual({
        method: 'GET',
        url: '/probe?page=2',
        remoteAddress: '127.0.0.1',
        headers: { 'user-agent': 'int-spec', 'webhook-id': 'msg_allowlisted' },
      });
      for (const secret of ['top-secret', 'c2lnbmF0dXJl', 'session=abc']) expect(lines.join('\n')).not.toContain(secret);
    });

    it('should not log probes and scrapes but still echo their correlation id', async () => {
      const live = await fetch(`${baseUrl}/health/live`, { headers: { 'x-correlation-id': 'probe-1' } });
      await fetch(`${baseUrl}/metrics`);
      await fetch(`${baseUrl}/api/metrics`);
      await fetch(`${baseUrl}/probe`);

      expect(live.headers.get('x-correlation-id')).toBe('probe-1');
      const urls = parsedLines()
        .filter((line) => line['msg'] === 'request completed')
        .map((line) => (line['req'] as { url: string }).url);
      expect(urls).toEqual(['/probe']);
    });

    it('should log application lines outside requests as JSON with the service name', () => {
      new Logger('Bootstrap').warn('outside any request');

      expect(parsedLines().find((line) => line['msg'] === 'outside any request')).toMatchObject({
        level: 'warn',
        service: 'observability-int',
        context: 'Bootstrap',
      });
    });
  });
});

// Nest's Logger is process-wide: this app starts once the one above has closed.
describe('ObservabilityModule without the request context (requestContext: false)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await startApp(ExplicitContextAppModule));
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    lines.length = 0;
  });

  it('should still echo the id and write it on the request line, but leave lines that do not name the request without it', async () => {
    const response = await fetch(`${baseUrl}/probe`, { headers: { 'x-correlation-id': 'plain-1' } });

    expect(response.headers.get('x-correlation-id')).toBe('plain-1');
    expect(await response.json()).toEqual({ fromRequest: 'plain-1' });
    const logs = parsedLines();
    expect(logs.find((line) => line['msg'] === 'probe handled')).not.toHaveProperty('correlation_id');
    expect(logs.find((line) => line['msg'] === 'request completed')).toMatchObject({ correlation_id: 'plain-1', service: 'observability-int-explicit' });
  });

  it('should write the id once on a line that names its request with requestLogFields', async () => {
    const response = await fetch(`${baseUrl}/named`, { headers: { 'x-correlation-id': 'named-1' } });

    expect(await response.json()).toEqual({ fromContext: null });
    expect(parsedLines().find((line) => line['msg'] === 'named handled')).toMatchObject({ correlation_id: 'named-1' });
    expect(timesNamed('named-1')).toEqual([1, 1]);
  });
});
