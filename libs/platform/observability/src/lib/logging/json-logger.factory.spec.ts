import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { Options as PinoHttpOptions } from 'pino-http';
import {
  assignCorrelationId,
  createJsonLogger,
  isQuietPath,
  loggerModuleParams,
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
      createJsonLogger({ appName: 'unit-app', logLevel: 'info', destination: stream }).info({ event_id: 'e-1' }, 'hello');

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

  describe(assignCorrelationId.name, () => {
    const exchange = (header?: string) => {
      const req = { headers: header === undefined ? {} : { 'x-correlation-id': header } } as IncomingMessage;
      const setHeader = jest.fn();
      return { id: assignCorrelationId(req, { setHeader } as unknown as ServerResponse), setHeader };
    };

    it('should keep a valid caller id and echo it', () => {
      const { id, setHeader } = exchange('abc-123');

      expect(id).toBe('abc-123');
      expect(setHeader).toHaveBeenCalledWith('x-correlation-id', 'abc-123');
    });

    it('should replace an invalid caller id with a generated one and echo that', () => {
      const { id, setHeader } = exchange('x'.repeat(129));

      expect(id).toHaveLength(36);
      expect(setHeader).toHaveBeenCalledWith('x-correlation-id', id);
    });
  });

  describe(loggerModuleParams.name, () => {
    it('should log the request id as correlation_id and silence probes, scrapes and extra paths', () => {
      const params = loggerModuleParams(
        { appName: 'unit-app', logLevel: 'info', destination: captureStream().stream, quietPaths: ['/api/health'] },
        ['/api/metrics'],
      );
      const http = params.pinoHttp as PinoHttpOptions;
      const ignore = (http.autoLogging as { ignore: (req: IncomingMessage) => boolean }).ignore;
      const ignored = (url: string) => ignore({ url } as IncomingMessage);

      expect(http.customAttributeKeys).toEqual({ reqId: 'correlation_id' });
      expect(http.logger).toBeDefined();
      expect(['/health/live', '/metrics', '/api/metrics', '/api/health'].map(ignored)).toEqual([true, true, true, true]);
      expect(ignored('/v1/webhooks/opal')).toBe(false);
      expect(ignore({ url: '/', originalUrl: '/metrics' } as IncomingMessage & { originalUrl: string })).toBe(true);
    });
  });
});
