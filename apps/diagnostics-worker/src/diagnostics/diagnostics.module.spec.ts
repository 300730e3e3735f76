import { resolveDiagnosticsOptions } from './diagnostics.module';

const thresholds = { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 };

describe(resolveDiagnosticsOptions.name, () => {
  it('should apply the defaults', () => {
    expect(resolveDiagnosticsOptions({ thresholds })).toEqual({
      thresholds,
      keyPrefix: 'opal:diagnostics:',
      maxSamplesPerAgent: 1000,
      retentionSeconds: 604_800,
      alertLeaseMs: 60_000,
    });
  });

  it('should keep the values given', () => {
    const options = {
      thresholds,
      keyPrefix: 'test:abc:',
      maxSamplesPerAgent: 10,
      retentionSeconds: 60,
      alertLeaseMs: 500,
    };

    expect(resolveDiagnosticsOptions(options)).toEqual(options);
  });

  it.each([
    [{ keyPrefix: '' }, 'keyPrefix'],
    [{ keyPrefix: 'opal:{diagnostics}:' }, 'keyPrefix'],
    [{ maxSamplesPerAgent: 0 }, 'maxSamplesPerAgent'],
    [{ retentionSeconds: 1.5 }, 'retentionSeconds'],
    [{ thresholds: { ...thresholds, agentFailureRate: 0 } }, 'agentFailureRate'],
    [{ thresholds: { ...thresholds, minAgentEvents: 0 } }, 'minAgentEvents'],
    [{ thresholds: { ...thresholds, durationFactor: Number.NaN } }, 'durationFactor'],
    [{ thresholds: { ...thresholds, minConfidence: 2 } }, 'minConfidence'],
  ])('should refuse %j', (override, name) => {
    expect(() => resolveDiagnosticsOptions({ thresholds, ...override })).toThrow(new RegExp(name));
  });
});
