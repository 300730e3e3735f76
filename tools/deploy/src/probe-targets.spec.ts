import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { HealthModule } from '@opal/platform-health';
import { ObservabilityModule } from '@opal/platform-observability';
import {
  APPS,
  COMPOSE_FILE,
  DOCKERFILE,
  OVERLAYS,
  PROMETHEUS_CONFIG,
  overlayDir,
  type AppName,
} from './lib/deploy-paths';
import type { K8sObject } from './lib/k8s-objects';
import {
  composeProbeTargets,
  dockerfileHealthcheckPath,
  kubernetesProbeTargets,
  prometheusScrapeTargets,
  type ComposeConfig,
  type PrometheusConfig,
  type ProbeTarget,
} from './lib/probe-targets';
import { composeConfig, kustomizeBuild } from './lib/validators';
import { parseYaml, parseYamlDocuments } from './lib/yaml-documents';

/** The PORT default each app's env schema takes from the one table of app ports. */
function defaultPortOf(app: AppName): number {
  return LOCAL_STACK_DEFAULTS.appPorts[app];
}

function everyProbeTarget(): ProbeTarget[] {
  const kubernetes = OVERLAYS.flatMap((overlay) => {
    const build = kustomizeBuild(overlayDir(overlay));
    if (build.code !== 0) throw new Error(build.stderr);
    return kubernetesProbeTargets(parseYamlDocuments(build.stdout) as K8sObject[], `k8s/overlays/${overlay}`);
  });
  const compose = composeConfig(COMPOSE_FILE, {
    quiet: false,
    env: { ...process.env, WEBHOOK_SECRETS: 'whsec_cHJvYmUtdGFyZ2V0cy1jaGVjaw==' },
  });
  if (compose.code !== 0) throw new Error(compose.stderr);
  return [
    ...kubernetes,
    ...composeProbeTargets(parseYaml<ComposeConfig>(compose.stdout)),
    ...prometheusScrapeTargets(parseYaml<PrometheusConfig>(readFileSync(PROMETHEUS_CONFIG, 'utf8'))),
  ];
}

/** The health and metrics modules every app mounts, on Fastify as in the apps, without dependencies to check. */
@Module({ imports: [HealthModule, ObservabilityModule.forRoot({ appName: 'deploy-probe-check', logLevel: 'silent' })] })
class ProbeSurfaceModule {}

describe('probe targets', () => {
  const targets = everyProbeTarget();
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeSurfaceModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe(kubernetesProbeTargets.name, () => {
    it('should find startup, liveness, readiness and scrape targets for every app in both overlays', () => {
      const kinds = (app: AppName) =>
        new Set(
          targets
            .filter((target) => target.app === app && target.source.startsWith('k8s/'))
            .map((target) => target.kind),
        );

      for (const app of APPS)
        expect([app, [...kinds(app)].sort()]).toEqual([app, ['liveness', 'readiness', 'scrape', 'startup']]);
    });
  });

  describe(prometheusScrapeTargets.name, () => {
    it('should have the Prometheus of docker-compose.yml scrape every app', () => {
      const scraped = targets.filter((target) => target.source.startsWith('prometheus.yml')).map((target) => target.app);

      expect([...new Set(scraped)].sort()).toEqual([...APPS].sort());
    });
  });

  describe('every probe, healthcheck and scrape target', () => {
    it('should use the port the app listens on by default', () => {
      const wrong = targets.filter((target) => target.port !== defaultPortOf(target.app));

      expect(wrong).toEqual([]);
    });

    it('should request a path the health and metrics modules serve', async () => {
      const paths = [...new Set(targets.map((target) => target.path))];
      const answers = await Promise.all(
        paths.map(async (url) => [url, (await app.inject({ method: 'GET', url })).statusCode]),
      );

      expect(answers.filter(([, status]) => status === 404)).toEqual([]);
      expect(Object.fromEntries(answers)).toEqual({ '/health/live': 200, '/health/ready': 200, '/metrics': 200 });
    });
  });

  describe(dockerfileHealthcheckPath.name, () => {
    it('should find the image HEALTHCHECK on /health/live, served with 200', async () => {
      const healthcheck = dockerfileHealthcheckPath(readFileSync(DOCKERFILE, 'utf8'));

      expect(healthcheck).toBe('/health/live');
      expect((await app.inject({ method: 'GET', url: healthcheck })).statusCode).toBe(200);
    });
  });
});
