import { RateHistory } from './rate-history';

const sample = (at: number, ends: Record<string, number>) => ({ at, ends: new Map(Object.entries(ends)) });

describe(RateHistory.name, () => {
  describe('ratePerSecond', () => {
    it('should divide the records written over the window by its seconds', () => {
      const history = new RateHistory(300_000);
      history.add(sample(0, { a: 100 }));
      history.add(sample(30_000, { a: 400 }));
      history.add(sample(60_000, { a: 700 }));

      expect(history.ratePerSecond('a', 60_000)).toBe(10);
    });

    it('should start from the oldest sample inside the window, not before it', () => {
      const history = new RateHistory(300_000);
      history.add(sample(0, { a: 0 }));
      history.add(sample(50_000, { a: 5_000 }));
      history.add(sample(100_000, { a: 5_500 }));

      expect(history.ratePerSecond('a', 60_000)).toBe(10);
    });

    it('should be null with one sample, for an unknown topic, and across a recreated topic', () => {
      const history = new RateHistory(300_000);
      history.add(sample(0, { a: 50 }));
      expect(history.ratePerSecond('a', 60_000)).toBeNull();

      history.add(sample(5_000, { a: 10 }));
      expect(history.ratePerSecond('a', 60_000)).toBeNull();
      expect(history.ratePerSecond('b', 60_000)).toBeNull();
    });
  });

  describe('add', () => {
    it('should forget samples older than the retention', () => {
      const history = new RateHistory(10_000);
      for (let at = 0; at <= 60_000; at += 5_000) history.add(sample(at, { a: at }));

      expect(history.series('a', 1_000_000).map((point) => point.at)).toEqual([55_000, 60_000]);
    });
  });

  describe('series', () => {
    it('should give one point per interval inside the window', () => {
      const history = new RateHistory(300_000);
      history.add(sample(0, { a: 0 }));
      history.add(sample(2_000, { a: 20 }));
      history.add(sample(4_000, { a: 20 }));

      expect(history.series('a', 60_000)).toEqual([
        { at: 2_000, perSecond: 10 },
        { at: 4_000, perSecond: 0 },
      ]);
    });
  });
});
