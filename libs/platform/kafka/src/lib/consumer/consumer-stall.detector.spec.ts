import { ConsumerStallDetector, type PartitionProgress } from './consumer-stall.detector';

const HELD = new Set(['opal.agent.completed:0', 'opal.agent.completed:1']);
const sample = (partition: number, committed: string, lag: number): PartitionProgress => ({
  topic: 'opal.agent.completed',
  partition,
  committed,
  lag,
});

describe('ConsumerStallDetector', () => {
  let clock: number;
  let detector: ConsumerStallDetector;

  beforeEach(() => {
    clock = 0;
    detector = new ConsumerStallDetector({ stallTimeoutMs: 10_000, now: () => clock });
  });

  const observeAt = (ms: number, samples: PartitionProgress[], paused = false, held: ReadonlySet<string> = HELD) => {
    clock = ms;
    detector.observe(samples, held, paused);
  };

  it('should report a held partition with lag whose commit has not moved for the timeout', () => {
    observeAt(0, [sample(0, '40', 5), sample(1, '7', 0)]);
    observeAt(9_999, [sample(0, '40', 9), sample(1, '7', 0)]);
    expect(detector.stalled()).toEqual([]);

    observeAt(10_000, [sample(0, '40', 12), sample(1, '7', 0)]);

    expect(detector.stalled()).toEqual([
      { topic: 'opal.agent.completed', partition: 0, lag: 12, committed: '40', stalledForMs: 10_000 },
    ]);
  });

  it('should start the clock again whenever the committed offset moves', () => {
    observeAt(0, [sample(0, '40', 5)]);
    observeAt(8_000, [sample(0, '41', 5)]);
    observeAt(16_000, [sample(0, '41', 5)]);

    expect(detector.stalled()).toEqual([]);
    observeAt(18_000, [sample(0, '41', 5)]);
    expect(detector.stalled()).toHaveLength(1);
  });

  it('should clear a stall once the partition commits again', () => {
    observeAt(0, [sample(0, '40', 5)]);
    observeAt(10_000, [sample(0, '40', 5)]);
    expect(detector.stalled()).toHaveLength(1);

    observeAt(11_000, [sample(0, '45', 0)]);

    expect(detector.stalled()).toEqual([]);
  });

  it('should not count an idle partition (no lag) however long nothing is committed', () => {
    observeAt(0, [sample(0, '40', 0)]);
    observeAt(60_000, [sample(0, '40', 0)]);

    expect(detector.stalled()).toEqual([]);
  });

  it('should not count a partition another member holds', () => {
    observeAt(0, [sample(0, '40', 5)], false, new Set(['opal.agent.completed:1']));
    observeAt(60_000, [sample(0, '40', 5)], false, new Set(['opal.agent.completed:1']));

    expect(detector.stalled()).toEqual([]);
  });

  it('should not count the time consumption is paused behind an open breaker, and start afresh after it', () => {
    observeAt(0, [sample(0, '40', 5)]);
    observeAt(30_000, [sample(0, '40', 5)], true);
    expect(detector.stalled()).toEqual([]);

    observeAt(35_000, [sample(0, '40', 5)]);
    expect(detector.stalled()).toEqual([]);
    observeAt(45_000, [sample(0, '40', 5)]);
    expect(detector.stalled()).toHaveLength(1);
  });

  it('should forget what it knew when a sample fails, so an unreachable broker is never a stall', () => {
    observeAt(0, [sample(0, '40', 5)]);
    observeAt(10_000, [sample(0, '40', 5)]);
    expect(detector.stalled()).toHaveLength(1);

    detector.forget();
    expect(detector.stalled()).toEqual([]);
    observeAt(15_000, [sample(0, '40', 5)]);
    expect(detector.stalled()).toEqual([]);
  });

  it('should never report a stall with a timeout of 0', () => {
    detector = new ConsumerStallDetector({ stallTimeoutMs: 0, now: () => clock });
    observeAt(0, [sample(0, '40', 5)]);
    observeAt(600_000, [sample(0, '40', 5)]);

    expect(detector.enabled).toBe(false);
    expect(detector.stalled()).toEqual([]);
  });
});
