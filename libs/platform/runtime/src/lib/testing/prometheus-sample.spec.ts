import { prometheusSample } from './prometheus-sample';

const TEXT = [
  '# HELP opal_events_consumed_total Records consumed',
  '# TYPE opal_events_consumed_total counter',
  'opal_events_consumed_total{topic="t",group="g",outcome="processed"} 12',
  'opal_events_consumed_total{topic="t",group="g",outcome="duplicate"} 3',
  'process_cpu_seconds_total 1.5',
].join('\n');

describe(prometheusSample.name, () => {
  it('should read the sample whose labels all match', () => {
    expect(prometheusSample(TEXT, 'opal_events_consumed_total', { outcome: 'duplicate' })).toBe(3);
    expect(prometheusSample(TEXT, 'opal_events_consumed_total', { topic: 't', outcome: 'processed' })).toBe(12);
  });

  it('should read a sample without labels', () => {
    expect(prometheusSample(TEXT, 'process_cpu_seconds_total')).toBe(1.5);
  });

  it('should answer 0 for a series that does not exist yet', () => {
    expect(prometheusSample(TEXT, 'opal_events_consumed_total', { outcome: 'dead_lettered' })).toBe(0);
    expect(prometheusSample(TEXT, 'opal_consumer_lag')).toBe(0);
  });
});
