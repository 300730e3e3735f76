import { Writable } from 'node:stream';
import { createJsonLogger } from './json-logger.factory';
import { RequestScopedLogger } from './request-scoped.logger';

function rootLogger(logLevel: 'info' | 'warn') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });
  const root = createJsonLogger({ appName: 'unit-app', logLevel, destination });
  return { root, lines, child: jest.spyOn(root, 'child') };
}

describe(RequestScopedLogger.name, () => {
  it('should write lines carrying the correlation id, through one child made on the first line', () => {
    const { root, lines, child } = rootLogger('info');
    const logger = new RequestScopedLogger(root, 'corr-1');

    logger.info({ event_id: 'e-1' }, 'first');
    logger.warn('second');

    expect(lines).toEqual([
      expect.objectContaining({ correlation_id: 'corr-1', event_id: 'e-1', msg: 'first', level: 'info' }),
      expect.objectContaining({ correlation_id: 'corr-1', msg: 'second', level: 'warn' }),
    ]);
    expect(child).toHaveBeenCalledTimes(1);
  });

  it('should make no child for a request that logs nothing, or only below the level', () => {
    const { root, lines, child } = rootLogger('warn');
    const logger = new RequestScopedLogger(root, 'corr-2');

    logger.info('dropped');
    logger.debug('dropped too');

    expect(lines).toEqual([]);
    expect(child).not.toHaveBeenCalled();
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('should tell its bindings without making the child, and narrow into a child for more fields', () => {
    const { root, lines, child } = rootLogger('info');
    const logger = new RequestScopedLogger(root, 'corr-3');

    expect(logger.bindings()).toEqual({ correlation_id: 'corr-3' });
    expect(child).not.toHaveBeenCalled();

    logger.child({ tenant: 't-1' }).info('narrowed');
    expect(lines).toEqual([expect.objectContaining({ correlation_id: 'corr-3', tenant: 't-1', msg: 'narrowed' })]);
  });
});
