import { Writable } from 'node:stream';
import {
  createJsonLogger,
  isQuietPath,
  loggerModuleParams,
  requestLogQuietPaths,
  requestSummary,
  requestLogLevel,
} from './json-logger.factory';

function captureStream() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('JSON logger', () => {
  describe(createJsonLogger.name, () => {
    it('should write one JSON line with service, level label and ISO time', () => {
      const { stream, lines } = captureStream();
      createJsonLogger({ appName: 'unit-app', logLevel: 'info', destination: stream }).info(
        { event_id: 'e-1' },
        'hello',
      );

      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({
        level: 'info',
        service: 'unit-app',
        event_id: 'e-1',
        msg: 'hello',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('should drop entries below the configured level', () => {
      const { stream, lines } = captureStream();
      const logger = createJsonLogger({ appName: 'unit-app', logLevel: 'warn', destination: stream });
      logger.info('quiet');
      logger.warn('loud');

      expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['loud']);
    });

    it('should redact credentials and session headers', () => {
      const { stream, lines } = captureStream();
      createJsonLogger({ appName: 'unit-app', logLevel: 'info', destination: stream }).info({
        req: {
          headers: {
            authorization: 'Bearer top-secret',
            'webhook-signature': 'v1,c2lnbmF0dXJl',
            cookie: 'session=abc',
            'proxy-authorization': 'Basic eA==',
            'x-api-key': 'key-1',
            'user-agent': 'jest',
          },
        },
        res: { headers: { 'set-cookie': 'session=abc' } },
      });

      const line = lines[0] ?? '';
      for (const secret of ['top-secret', 'c2lnbmF0dXJl', 'session=abc', 'Basic eA==', 'key-1']) {
        expect(line).not.toContain(secret);
      }
      expect(JSON.parse(line).req.headers).toMatchObject({ authorization: '[Redacted]', 'user-agent': 'jest' });
    });
  });

  describe(requestSummary.name, () => {
    it('should keep method, url, address and the allowlisted headers, and drop every other header', () => {
      const summary = requestSummary({
        id: 'c-1',
        method: 'POST',
        url: '/v1/webhooks/opal',
        remoteAddress: '10.0.0.7',
        headers: {
          authorization: 'Bearer top-secret',
          'webhook-signature': 'v1,c2lnbmF0dXJl',
          'x-new-credential': 'secret-2',
          'webhook-id': 'msg_1',
          'user-agent': 'jest',
          'content-length': '42',
        },
      });

      expect(summary).toEqual({
        method: 'POST',
        url: '/v1/webhooks/opal',
        remoteAddress: '10.0.0.7',
        headers: { 'user-agent': 'jest', 'content-length': '42', 'webhook-id': 'msg_1' },
      });
    });
  });

  describe(isQuietPath.name, () => {
    const quiet = ['/health', '/metrics', '/api/metrics'];

    it.each(['/health/live', '/health/ready?verbose=1', '/metrics', '/api/metrics'])('should silence %s', (url) => {
      expect(isQuietPath(url, quiet)).toBe(true);
    });

    it.each(['/v1/webhooks/opal', '/healthz', '/metrics-old', '/api'])('should log %s', (url) => {
      expect(isQuietPath(url, quiet)).toBe(false);
    });
  });

  describe(requestLogLevel.name, () => {
    it('should log 2xx as info, 4xx as warn, 5xx and errors as error', () => {
      expect([200, 404, 503].map((status) => requestLogLevel(status))).toEqual(['info', 'warn', 'error']);
      expect(requestLogLevel(200, new Error('aborted'))).toBe('error');
    });
  });

  describe(requestLogQuietPaths.name, () => {
    it("should silence probes, scrapes, the extra metrics paths and the app's own, and nothing else", () => {
      const quiet = requestLogQuietPaths({ appName: 'unit-app', logLevel: 'info', quietPaths: ['/api/health'] }, [
        '/api/metrics',
      ]);
      const ignored = (url: string) => isQuietPath(url, quiet);

      expect(['/health/live', '/metrics', '/api/metrics', '/api/health'].map(ignored)).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(ignored('/v1/webhooks/opal')).toBe(false);
    });
  });

  describe(loggerModuleParams.name, () => {
    it('should hand nestjs-pino the root logger and leave its request middleware off', () => {
      const root = createJsonLogger({ appName: 'unit-app', logLevel: 'info', destination: captureStream().stream });

      expect(loggerModuleParams(root)).toEqual({ pinoHttp: { logger: root }, useExisting: true, forRoutes: [] });
    });
  });
});
