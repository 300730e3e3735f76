import type { StalledPartition } from './consumer-stall.detector';
import { ConsumerProgressHealthIndicator } from './consumer-progress.health-indicator';

describe(ConsumerProgressHealthIndicator.name, () => {
  it('should be up while no partition is stalled', async () => {
    const indicator = new ConsumerProgressHealthIndicator({ stalledPartitions: () => [] });

    expect(await indicator.check()).toEqual({ consumer_progress: { status: 'up', stalledPartitions: 0 } });
  });

  it('should be down naming each stalled partition, its lag and for how long', async () => {
    const stalled: StalledPartition[] = [
      { topic: 'opal.agent.completed', partition: 2, lag: 17, committed: '40', stalledForMs: 301_400 },
      { topic: 'opal.workflow.started', partition: 0, lag: 1, committed: '-1', stalledForMs: 300_000 },
    ];
    const indicator = new ConsumerProgressHealthIndicator({ stalledPartitions: () => stalled });

    expect(await indicator.check()).toEqual({
      consumer_progress: {
        status: 'down',
        message:
          'consumer stalled: opal.agent.completed[2] lag 17, no commit for 301 s; opal.workflow.started[0] lag 1, no commit for 300 s',
      },
    });
  });
});
