import { Logger } from '@nestjs/common';
import { DependencyHealthIndicator, type ProbeDetails } from './dependency.health-indicator';

class FakeHealthIndicator extends DependencyHealthIndicator {
  constructor(
    readonly probeImpl: jest.Mock<Promise<ProbeDetails | void>, []>,
    timeoutMs?: number,
  ) {
    super('fake', timeoutMs);
  }

  protected probe() {
    return this.probeImpl();
  }
}

describe(DependencyHealthIndicator.name, () => {
  describe('check', () => {
    it('should report up with the probe details', async () => {
      const indicator = new FakeHealthIndicator(jest.fn().mockResolvedValue({ version: 3 }));

      expect(await indicator.check()).toEqual({ fake: { status: 'up', version: 3 } });
    });

    it('should report down with the error message instead of throwing', async () => {
      const indicator = new FakeHealthIndicator(jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED')));

      expect(await indicator.check()).toEqual({ fake: { status: 'down', message: 'connect ECONNREFUSED' } });
    });

    it('should report down when the probe throws synchronously', async () => {
      const indicator = new FakeHealthIndicator(
        jest.fn(() => {
          throw new Error('boom');
        }),
      );

      expect(await indicator.check()).toEqual({ fake: { status: 'down', message: 'boom' } });
    });

    it('should report down once the deadline passes', async () => {
      const indicator = new FakeHealthIndicator(
        jest.fn(() => new Promise<void>(() => undefined)),
        30,
      );
      const started = Date.now();

      expect(await indicator.check()).toEqual({
        fake: { status: 'down', message: 'fake did not answer within 30 ms' },
      });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('should share one in-flight probe between concurrent checks, and probe again afterwards', async () => {
      let release: () => void = () => undefined;
      const probe = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
      const indicator = new FakeHealthIndicator(probe);
      const checks = [indicator.check(), indicator.check()];
      await Promise.resolve();
      release();
      await Promise.all(checks);
      const later = indicator.check();
      await Promise.resolve();
      release();
      await later;

      expect(probe).toHaveBeenCalledTimes(2);
    });
  });

  describe('logging', () => {
    let warn: jest.SpyInstance;
    let log: jest.SpyInstance;

    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    });
    afterEach(() => jest.restoreAllMocks());

    it('should log one line per new reason for being down and one when it is up again, not one per check', async () => {
      const probe = jest
        .fn<Promise<ProbeDetails | void>, []>()
        .mockRejectedValueOnce(new Error('wrong password'))
        .mockRejectedValueOnce(new Error('wrong password'))
        .mockRejectedValueOnce(new Error('untrusted certificate'))
        .mockResolvedValueOnce(undefined)
        .mockResolvedValueOnce(undefined);
      const indicator = new FakeHealthIndicator(probe);

      for (let i = 0; i < 5; i++) await indicator.check();

      expect(warn.mock.calls.map((call) => call[1])).toEqual([
        'fake is not ready: wrong password',
        'fake is not ready: untrusted certificate',
      ]);
      expect(log.mock.calls.map((call) => call[1])).toEqual(['fake is ready again']);
    });

    it('should log nothing while the dependency is up from the start', async () => {
      const indicator = new FakeHealthIndicator(jest.fn().mockResolvedValue(undefined));

      await indicator.check();
      await indicator.check();

      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    });
  });

  describe('onApplicationBootstrap', () => {
    it('should check once, so a dependency that refuses the app is named in the log at start-up', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const indicator = new FakeHealthIndicator(jest.fn().mockRejectedValue(new Error('refused')));

      indicator.onApplicationBootstrap();
      await new Promise((resolve) => setImmediate(resolve));

      expect(warn).toHaveBeenCalledWith({ dependency: 'fake', reason: 'refused' }, 'fake is not ready: refused');
      warn.mockRestore();
    });
  });
});
