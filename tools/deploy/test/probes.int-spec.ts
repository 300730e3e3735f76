import { readFileSync } from 'node:fs';
import { freePort, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { APPS, DASHBOARD_FILE, OVERLAYS, RULES_FILE, overlayDir, type AppName } from '../src/lib/deploy-paths';
import type { K8sObject } from '../src/lib/k8s-objects';
import { knownMetrics, metricReferences } from '../src/lib/metric-names';
import { kubernetesProbeTargets } from '../src/lib/probe-targets';
import { kustomizeBuild } from '../src/lib/validators';
import { parseYaml, parseYamlDocuments } from '../src/lib/yaml-documents';

const WEBHOOK_SECRET = `whsec_${Buffer.from('deploy-probes-int-test-secret').toString('base64')}`;

/** Every path a Deployment of either overlay sends a probe or a scrape to, per app. */
function probedPaths(app: AppName): string[] {
  const paths = OVERLAYS.flatMap((overlay) => {
    const build = kustomizeBuild(overlayDir(overlay));
    if (build.code !== 0) throw new Error(build.stderr);
    return kubernetesProbeTargets(parseYamlDocuments(build.stdout) as K8sObject[], overlay)
      .filter((target) => target.app === app)
      .map((target) => target.path);
  });
  return [...new Set(paths)].sort();
}

/** The metrics the alert rules and the dashboard read. */
function monitoredMetrics(): string[] {
  const known = knownMetrics();
  const rules = parseYaml<{ groups: Array<{ rules: Array<{ expr: string }> }> }>(readFileSync(RULES_FILE, 'utf8'));
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };
  const expressions = [
    ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ];
  return [
    ...new Set(expressions.flatMap((expr) => metricReferences(expr, known).map((reference) => reference.metric))),
  ].sort();
}

const declaredMetrics = (exposition: string) =>
  new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));

describe('probe paths of the manifests, against the apps started by Nx (real Kafka, registry, Redis)', () => {
  const exported = new Set<string>();

  describe.each(APPS)('%s', (app) => {
    let running: RunningApp | undefined;

    beforeAll(async () => {
      const env: Record<string, string> & { PORT: string } = { PORT: String(await freePort()) };
      if (app === 'ingest-gateway') env['WEBHOOK_SECRETS'] = WEBHOOK_SECRET;
      running = await startNxApp(app, env);
    });

    afterAll(async () => {
      await running?.stop();
    });

    it('should probe /health/live, /health/ready and /metrics', () => {
      expect(probedPaths(app)).toEqual(['/health/live', '/health/ready', '/metrics']);
    });

    it('should answer every probed path, /health/live with 200', async () => {
      const answers = await Promise.all(
        probedPaths(app).map(async (path) => [path, (await fetch(`${running?.baseUrl}${path}`)).status] as const),
      );

      expect(answers.filter(([, status]) => status === 404)).toEqual([]);
      expect(Object.fromEntries(answers)['/health/live']).toBe(200);
      expect([200, 503]).toContain(Object.fromEntries(answers)['/health/ready']);
    });

    it('should export the metrics the alerts and the dashboard read', async () => {
      const exposition = await (await fetch(`${running?.baseUrl}/metrics`)).text();
      for (const name of declaredMetrics(exposition)) exported.add(name);

      expect(monitoredMetrics().filter((metric) => metric.startsWith('opal_') && !exported.has(metric))).toEqual([]);
    });
  });

  describe('all apps together', () => {
    it('should export every metric the alerts and the dashboard read, process metrics included', () => {
      expect(monitoredMetrics().filter((metric) => !exported.has(metric))).toEqual([]);
    });
  });
});
