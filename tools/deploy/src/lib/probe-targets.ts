import type { AppName } from './deploy-paths';
import { APPS } from './deploy-paths';
import { ofKind, podTemplateOf, resolvePort, type K8sObject } from './k8s-objects';

/** One HTTP request an orchestrator or Prometheus makes to an app: it must hit a route the app serves. */
export interface ProbeTarget {
  /** Where it is declared, for failure messages. */
  source: string;
  app: AppName;
  kind: 'startup' | 'liveness' | 'readiness' | 'healthcheck' | 'scrape';
  path: string;
  port: number;
}

const isApp = (name: string): name is AppName => (APPS as readonly string[]).includes(name);

/** Probes and Prometheus scrape annotations of every app Deployment in a kustomize build. */
export function kubernetesProbeTargets(objects: readonly K8sObject[], source: string): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const deployment of ofKind(objects, 'Deployment')) {
    const app = deployment.metadata.name;
    if (!isApp(app)) continue;
    const template = podTemplateOf(deployment);
    for (const container of template.spec.containers) {
      const probes = {
        startup: container.startupProbe,
        liveness: container.livenessProbe,
        readiness: container.readinessProbe,
      };
      for (const [kind, probe] of Object.entries(probes) as Array<
        [ProbeTarget['kind'], typeof container.startupProbe]
      >) {
        if (!probe?.httpGet) continue;
        targets.push({
          source: `${source} Deployment ${app} ${kind}Probe`,
          app,
          kind,
          path: probe.httpGet.path ?? '/',
          port: resolvePort(container, probe.httpGet.port),
        });
      }
    }
    const annotations = template.metadata?.annotations ?? {};
    if (annotations['prometheus.io/scrape'] === 'true') {
      targets.push({
        source: `${source} Deployment ${app} prometheus.io annotations`,
        app,
        kind: 'scrape',
        path: annotations['prometheus.io/path'] ?? '/metrics',
        port: Number(annotations['prometheus.io/port']),
      });
    }
  }
  return targets;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  ports?: Array<string | { target: number; published?: number | string; host_ip?: string }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean; timeout?: string };
  stop_grace_period?: string;
  volumes?: Array<string | { source?: string; target: string; type?: string }>;
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
}

const LOCAL_URL = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)/;

/** The URL each app service's healthcheck command requests. */
export function composeProbeTargets(config: ComposeConfig): ProbeTarget[] {
  return APPS.map((app) => {
    const test = config.services[app]?.healthcheck?.test;
    const command = Array.isArray(test) ? test.join(' ') : (test ?? '');
    const match = LOCAL_URL.exec(command);
    if (!match)
      throw new Error(`docker-compose.yml: the healthcheck of ${app} requests no http://127.0.0.1:<port>/<path> URL`);
    return {
      source: `docker-compose.yml ${app} healthcheck`,
      app,
      kind: 'healthcheck',
      path: match[2],
      port: Number(match[1]),
    };
  });
}

export interface PrometheusConfig {
  scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs?: Array<{ targets: string[] }> }>;
}

/** The compose Prometheus's scrape targets (`<service>:<port>`), one per app. */
export function prometheusScrapeTargets(config: PrometheusConfig): ProbeTarget[] {
  return config.scrape_configs.flatMap((job) =>
    (job.static_configs ?? []).flatMap(({ targets }) =>
      targets.flatMap((target) => {
        const [host, port] = target.split(':');
        if (!isApp(host)) return [];
        return [
          {
            source: `prometheus.yml job ${job.job_name}`,
            app: host,
            kind: 'scrape' as const,
            path: job.metrics_path ?? '/metrics',
            port: Number(port),
          },
        ];
      }),
    ),
  );
}

/** The path and port variable of the Dockerfile's HEALTHCHECK (the port comes from the image's PORT). */
export function dockerfileHealthcheckPath(dockerfile: string): string | undefined {
  const healthcheck = dockerfile.split('\nHEALTHCHECK')[1]?.split('\nCMD')[0] ?? '';
  return /process\.env\.PORT\s*\+\s*'(\/[^']*)'/.exec(healthcheck)?.[1];
}
