import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CIRCUIT_BREAKER_STATE_VALUES } from '@opal/platform-observability';
import { PROMETHEUS_CONFIG, RULES_FILE, RULES_TEST_FILE } from './lib/deploy-paths';
import { expressionProblems, knownMetrics } from './lib/metric-names';
import { promtool } from './lib/validators';
import { parseYaml } from './lib/yaml-documents';

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{
      alert?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }>;
  }>;
}

const ISSUE_ALERTS = [
  'OpalConsumerLagGrowing',
  'OpalEventsDeadLettered',
  'OpalWebhook5xxRateHigh',
  'OpalCircuitBreakerOpen',
  'OpalGatewayP99High',
];

describe('Prometheus alert rules', () => {
  let scratch: string;
  const rules = () => parseYaml<RuleFile>(readFileSync(RULES_FILE, 'utf8')).groups.flatMap((group) => group.rules);

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'deploy-rules-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('promtool check rules', () => {
    it('should accept the rules file', () => {
      const result = promtool(['check', 'rules', RULES_FILE]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('should reject a copy with a PromQL syntax error', () => {
      const broken = path.join(scratch, 'broken.rules.yml');
      writeFileSync(
        broken,
        readFileSync(RULES_FILE, 'utf8').replace(
          'sum by (group, topic) (opal_consumer_lag)',
          'sum by (group topic) (opal_consumer_lag)',
        ),
      );

      const result = promtool(['check', 'rules', broken]);

      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/parse error/);
    });
  });

  describe('promtool test rules', () => {
    it('should pass the unit tests of the alerts', () => {
      const result = promtool(['test', 'rules', RULES_TEST_FILE]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS/);
    });

    it('should fail when an alert does not fire as a test expects', () => {
      // The rules file goes along, so the copy's relative rule_files entry still resolves.
      copyFileSync(RULES_FILE, path.join(scratch, path.basename(RULES_FILE)));
      const copy = path.join(scratch, 'broken.rules.test.yml');
      writeFileSync(
        copy,
        readFileSync(RULES_TEST_FILE, 'utf8').replace(
          'exp_labels: { severity: critical, instance: "diagnostics-worker:3001"',
          'exp_labels: { severity: critical, instance: "recommendations-worker:3002"',
        ),
      );

      const result = promtool(['test', 'rules', copy]);

      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/OpalCircuitBreakerOpen/);
    });
  });

  describe('rules', () => {
    it('should cover lag, dead letters, 5xx, open breakers and gateway p99', () => {
      expect(rules().map((rule) => rule.alert)).toEqual(expect.arrayContaining(ISSUE_ALERTS));
    });

    it('should read only metrics and labels the apps export', () => {
      const known = knownMetrics();

      expect(rules().map((rule) => [rule.alert, expressionProblems(rule.expr, known)])).toEqual(
        rules().map((rule) => [rule.alert, []]),
      );
    });

    it('should treat the breaker value the observability lib reports as open', () => {
      const breaker = rules().find((rule) => rule.alert === 'OpalCircuitBreakerOpen');

      expect(breaker?.expr).toMatch(new RegExp(`== ${CIRCUIT_BREAKER_STATE_VALUES.open}\\b`));
    });

    it('should give every alert a severity, a summary and a pending period', () => {
      for (const rule of rules()) {
        expect([rule.alert, rule.labels?.['severity'], typeof rule.annotations?.['summary'], typeof rule.for]).toEqual([
          rule.alert,
          expect.stringMatching(/^(warning|critical)$/),
          'string',
          'string',
        ]);
      }
    });
  });

  describe('promtool check config', () => {
    it('should accept the Prometheus config of docker-compose.yml', () => {
      const result = promtool(['check', 'config', PROMETHEUS_CONFIG]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS/);
    });

    it('should reject a copy with an unknown field', () => {
      const broken = path.join(scratch, 'prometheus.yml');
      writeFileSync(
        broken,
        readFileSync(PROMETHEUS_CONFIG, 'utf8').replace('scrape_interval: 15s', 'scrape_intervall: 15s'),
      );

      const result = promtool(['check', 'config', broken]);

      expect(result.code).not.toBe(0);
      expect(result.stderr + result.stdout).toMatch(/scrape_intervall/);
    });
  });
});
