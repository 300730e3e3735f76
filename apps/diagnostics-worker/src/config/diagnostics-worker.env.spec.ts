import { envDefaults, InvalidEnvironmentError } from '@opal/platform-config';
import { documentedEnvDefaults } from '@opal/platform-config/testing';
import { DIAGNOSTICS_WORKER, diagnosticsWorkerEnv, loadDiagnosticsWorkerConfig } from './diagnostics-worker.env';

describe(loadDiagnosticsWorkerConfig.name, () => {
  it('should default to port 3001 on loopback and the local stack', () => {
    const config = loadDiagnosticsWorkerConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3001 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadDiagnosticsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadDiagnosticsWorkerConfig({ KAFKA_SSL: 'maybe' })).toThrow(
      'diagnostics-worker: invalid environment: KAFKA_SSL="maybe": expected true or false',
    );
  });

  describe('retention', () => {
    it('should keep diagnostics state for 7 days by default and read DIAGNOSTICS_RETENTION_SECONDS', () => {
      expect(loadDiagnosticsWorkerConfig({}).retentionSeconds).toBe(604_800);
      expect(loadDiagnosticsWorkerConfig({ DIAGNOSTICS_RETENTION_SECONDS: '3600' }).retentionSeconds).toBe(3600);
    });

    it.each(['0', '-5', '1.5', 'week'])('should refuse DIAGNOSTICS_RETENTION_SECONDS=%s', (value) => {
      expect(() => loadDiagnosticsWorkerConfig({ DIAGNOSTICS_RETENTION_SECONDS: value })).toThrow(
        `diagnostics-worker: invalid environment: DIAGNOSTICS_RETENTION_SECONDS=${JSON.stringify(value)}`,
      );
    });
  });

  describe('degraded thresholds', () => {
    it('should default to failure rate 0.5 after 3 agent events, factor 2 and confidence 0.5', () => {
      expect(loadDiagnosticsWorkerConfig({}).thresholds).toEqual({
        agentFailureRate: 0.5,
        minAgentEvents: 3,
        durationFactor: 2,
        minConfidence: 0.5,
      });
    });

    it('should read decimal thresholds from DEGRADED_*', () => {
      const config = loadDiagnosticsWorkerConfig({
        DEGRADED_AGENT_FAILURE_RATE: '0.25',
        DEGRADED_MIN_AGENT_EVENTS: '5',
        DEGRADED_DURATION_FACTOR: '1.5',
        DEGRADED_MIN_CONFIDENCE: '0',
      });

      expect(config.thresholds).toEqual({
        agentFailureRate: 0.25,
        minAgentEvents: 5,
        durationFactor: 1.5,
        minConfidence: 0,
      });
    });

    it.each([
      ['DEGRADED_AGENT_FAILURE_RATE', '0', 'expected a number > 0 and <= 1'],
      ['DEGRADED_AGENT_FAILURE_RATE', '1.5', 'expected a number > 0 and <= 1'],
      ['DEGRADED_AGENT_FAILURE_RATE', 'half', 'expected a number > 0 and <= 1'],
      ['DEGRADED_MIN_AGENT_EVENTS', '0', 'expected a positive integer'],
      ['DEGRADED_MIN_AGENT_EVENTS', '2.5', 'expected a positive integer'],
      ['DEGRADED_DURATION_FACTOR', '-1', 'expected a number > 0'],
      ['DEGRADED_DURATION_FACTOR', 'Infinity', 'expected a number > 0'],
      ['DEGRADED_MIN_CONFIDENCE', '1.01', 'expected a number >= 0 and <= 1'],
    ])('should refuse %s=%s', (name, value, expected) => {
      expect(() => loadDiagnosticsWorkerConfig({ [name]: value })).toThrow(
        `diagnostics-worker: invalid environment: ${name}=${JSON.stringify(value)}: ${expected}`,
      );
    });
  });

  it("should be documented exactly in the README's configuration table: every variable, each with its default", () => {
    expect(Object.fromEntries(documentedEnvDefaults(DIAGNOSTICS_WORKER))).toEqual(Object.fromEntries(envDefaults(diagnosticsWorkerEnv)));
  });
});
