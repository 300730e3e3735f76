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
      const indicator = new FakeHealthIndicator(jest.fn(() => new Promise<void>(() => undefined)), 30);
      const started = Date.now();

      expect(await indicator.check()).toEqual({ fake: { status: 'down', message: 'fake did not answer within 30 ms' } });
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
});
