import { expressionProblems, knownMetrics, labelReferences, metricReferences } from './metric-names';

describe('metric-names', () => {
  const known = knownMetrics();

  describe(metricReferences.name, () => {
    it('should map a histogram bucket series to its histogram', () => {
      expect(metricReferences('sum by (le) (rate(opal_produce_duration_seconds_bucket[5m]))', known)).toEqual([
        { metric: 'opal_produce_duration_seconds', series: 'opal_produce_duration_seconds_bucket' },
      ]);
    });
  });

  describe(labelReferences.name, () => {
    it('should collect grouping labels and matcher labels', () => {
      expect(
        labelReferences(
          'sum by (group, topic) (rate(opal_events_consumed_total{outcome="dead_lettered", topic!~"x"}[5m]))',
        ).sort(),
      ).toEqual(['group', 'outcome', 'topic']);
    });
  });

  describe(expressionProblems.name, () => {
    it('should accept contract metrics, process metrics and their labels', () => {
      expect(
        expressionProblems(
          'sum by (status) (rate(opal_webhook_requests_total{status=~"5.."}[5m])) + process_resident_memory_bytes',
          known,
        ),
      ).toEqual([]);
    });

    it('should name a metric the apps do not export', () => {
      expect(expressionProblems('rate(opal_webhook_request_total[5m])', known)).toEqual([
        'unknown metric opal_webhook_request_total',
      ]);
    });

    it('should name a label none of the metrics carry', () => {
      expect(expressionProblems('sum by (consumer_group) (opal_consumer_lag)', known)).toEqual([
        'label consumer_group is on none of opal_consumer_lag',
      ]);
    });
  });
});
