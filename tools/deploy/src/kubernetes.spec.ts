import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOPIC_PROFILES } from '@opal/platform-kafka';
import { CONSOLE_SHOWN_APPS, consoleAppHosts } from './lib/console-apps';
import { APPS, CONSOLE_APP, K8S_DIR, OVERLAYS, overlayDir, type Overlay } from './lib/deploy-paths';
import {
  effectiveEnv,
  named,
  ofKind,
  podTemplateOf,
  resolvePort,
  secretsReadBy,
  type Container,
  type K8sObject,
} from './lib/k8s-objects';
import { buildAndValidate, kubeconform, kustomizeBuild } from './lib/validators';
import { parseYamlDocuments } from './lib/yaml-documents';

const WORKERS = ['diagnostics-worker', 'recommendations-worker'] as const;
/** The apps an HPA scales; the console runs one replica. */
const AUTOSCALED_APPS = APPS.filter((app) => app !== CONSOLE_APP);
const SECRET_VARIABLES = [
  'WEBHOOK_SECRETS',
  'CONSOLE_ADMIN_TOKEN',
  'KAFKA_USERNAME',
  'KAFKA_PASSWORD',
  'SCHEMA_REGISTRY_USERNAME',
  'SCHEMA_REGISTRY_PASSWORD',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
];
/**
 * ARCHITECTURE.md §5, one user per app: each workload logs in to Kafka, Redis and the registry from
 * `<workload>-credentials` and reads no other workload's Secret (k8s/README.md). A new Deployment or
 * Job must be listed here with its own.
 */
const WORKLOAD_SECRETS: Readonly<Record<string, { kind: 'Deployment' | 'Job'; reads: readonly string[] }>> = {
  'ingest-gateway': { kind: 'Deployment', reads: ['ingest-gateway-credentials', 'ingest-gateway-webhook'] },
  'diagnostics-worker': { kind: 'Deployment', reads: ['diagnostics-worker-credentials'] },
  'recommendations-worker': { kind: 'Deployment', reads: ['recommendations-worker-credentials'] },
  // CONSOLE_ADMIN_TOKEN (optional: without it the console is read-only) sits in the same Secret.
  'ops-console': { kind: 'Deployment', reads: ['ops-console-credentials'] },
  'kafka-init': { kind: 'Job', reads: ['kafka-init-credentials'] },
};
const WORKLOADS = Object.keys(WORKLOAD_SECRETS);
const credentialsSecretOf = (workload: string) => `${workload}-credentials`;
/** The apps' own default (libs/platform/config runtimeEnv), used when a manifest does not set it. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

const builds = new Map<Overlay, K8sObject[]>();

function built(overlay: Overlay): K8sObject[] {
  let objects = builds.get(overlay);
  if (!objects) {
    const build = kustomizeBuild(overlayDir(overlay));
    if (build.code !== 0) throw new Error(`kustomize build ${overlay} failed:\n${build.stderr}`);
    objects = parseYamlDocuments(build.stdout) as K8sObject[];
    builds.set(overlay, objects);
  }
  return objects;
}

const containerOf = (objects: K8sObject[], app: string): Container =>
  podTemplateOf(named(objects, 'Deployment', app)).spec.containers[0];

const workloadsOf = (objects: K8sObject[]) => [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')];

/** Each Secret a workload reads that WORKLOAD_SECRETS does not give it, and each workload it does not list. */
function secretsBeyondTheirOwn(objects: K8sObject[]): string[] {
  return workloadsOf(objects).flatMap((object) => {
    const own = WORKLOAD_SECRETS[object.metadata.name];
    if (own?.kind !== object.kind) return [`${object.kind} ${object.metadata.name} has no Secrets of its own listed`];
    return secretsReadBy(object)
      .filter((secret) => !own.reads.includes(secret))
      .map((secret) => `${object.kind} ${object.metadata.name} reads ${secret}`);
  });
}

describe('kustomize build | kubeconform -strict', () => {
  describe('buildAndValidate', () => {
    it.each(OVERLAYS)('should build the %s overlay into manifests every schema accepts', (overlay) => {
      const result = buildAndValidate(overlayDir(overlay));

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    });

    it.each(OVERLAYS)('should validate every kind of the %s overlay, HPA and PDB included', (overlay) => {
      const kinds = new Set(built(overlay).map((object) => `${object.apiVersion}/${object.kind}`));

      expect([...kinds].sort()).toEqual(
        [
          'apps/v1/Deployment',
          'autoscaling/v2/HorizontalPodAutoscaler',
          'batch/v1/Job',
          'policy/v1/PodDisruptionBudget',
          'v1/ConfigMap',
          'v1/Namespace',
          'v1/Service',
          'v1/ServiceAccount',
        ].sort(),
      );
    });
  });

  describe('a deliberately broken copy', () => {
    let copy: string;

    beforeEach(() => {
      copy = path.join(mkdtempSync(path.join(tmpdir(), 'deploy-k8s-')), 'k8s');
      cpSync(K8S_DIR, copy, { recursive: true });
    });

    afterEach(() => {
      rmSync(path.dirname(copy), { recursive: true, force: true });
    });

    const edit = (file: string, change: (text: string) => string) => {
      const target = path.join(copy, file);
      const text = readFileSync(target, 'utf8');
      expect(change(text)).not.toBe(text);
      writeFileSync(target, change(text));
    };

    it('should fail kubeconform on a misspelt probe field that kustomize lets through', () => {
      edit('base/ingest-gateway/deployment.yaml', (text) => text.replace('timeoutSeconds: 3', 'timeoutSecond: 3'));

      const build = kustomizeBuild(path.join(copy, 'overlays', 'production'));
      const result = kubeconform(build.stdout);

      expect(build.code).toBe(0);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/Deployment ingest-gateway is invalid.*timeoutSecond/);
    });

    it('should fail kubeconform on a field of the wrong type', () => {
      edit('base/diagnostics-worker/deployment.yaml', (text) =>
        text.replace('containerPort: 3001', 'containerPort: "3001"'),
      );

      const result = buildAndValidate(path.join(copy, 'overlays', 'development'));

      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/Deployment diagnostics-worker is invalid.*containerPort/);
    });

    it.each([
      ['another workload\'s', 'diagnostics-worker-credentials'],
      ['a shared', 'opal-credentials'],
    ])('should catch the gateway reading %s credentials Secret (%s)', (_, secret) => {
      edit('base/ingest-gateway/deployment.yaml', (text) =>
        text.replace('name: ingest-gateway-credentials', `name: ${secret}`),
      );

      const build = kustomizeBuild(path.join(copy, 'overlays', 'production'));

      expect(build.code).toBe(0);
      expect(secretsBeyondTheirOwn(parseYamlDocuments(build.stdout) as K8sObject[])).toEqual([
        `Deployment ingest-gateway reads ${secret}`,
      ]);
    });

    it('should fail the build when a listed resource is missing', () => {
      rmSync(path.join(copy, 'base', 'recommendations-worker', 'pdb.yaml'));

      const result = buildAndValidate(path.join(copy, 'overlays', 'development'));

      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/pdb\.yaml/);
    });
  });

  describe.each(OVERLAYS)('the %s overlay', (overlay) => {
    const objects = () => built(overlay);

    it.each(APPS)(
      'should probe %s: startup and liveness on /health/live, readiness on /health/ready within >= 2 s',
      (app) => {
        const container = containerOf(objects(), app);

        expect(container.startupProbe?.httpGet?.path).toBe('/health/live');
        expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
        for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
          expect(probe?.timeoutSeconds).toBeGreaterThanOrEqual(2);
          expect(resolvePort(container, probe?.httpGet?.port ?? '')).toBe(
            Number(effectiveEnv(container, objects(), 'PORT')),
          );
        }
      },
    );

    it.each(APPS)('should run %s as non-root on a read-only root filesystem without privileges', (app) => {
      const template = podTemplateOf(named(objects(), 'Deployment', app));
      const container = template.spec.containers[0];

      expect(template.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(template.spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    });

    it.each(APPS)('should give %s CPU and memory requests and a memory limit', (app) => {
      const { resources } = containerOf(objects(), app);

      expect(resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(resources?.limits?.['memory']).toEqual(expect.any(String));
    });

    it.each(APPS)(
      'should let %s finish its shutdown: terminationGracePeriodSeconds above SHUTDOWN_TIMEOUT_MS, the drain inside it',
      (app) => {
        const template = podTemplateOf(named(objects(), 'Deployment', app));
        const container = template.spec.containers[0];
        const timeoutMs = Number(
          effectiveEnv(container, objects(), 'SHUTDOWN_TIMEOUT_MS') ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
        );
        const drainMs = Number(effectiveEnv(container, objects(), 'SHUTDOWN_DRAIN_MS') ?? 0);

        expect((template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(timeoutMs);
        expect(drainMs).toBeLessThan(timeoutMs);
      },
    );

    it.each(APPS)('should bind %s to 0.0.0.0 and annotate it for Prometheus on its HTTP port', (app) => {
      const template = podTemplateOf(named(objects(), 'Deployment', app));
      const container = template.spec.containers[0];

      expect(effectiveEnv(container, objects(), 'HOST')).toBe('0.0.0.0');
      expect(template.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': effectiveEnv(container, objects(), 'PORT'),
      });
    });

    it.each(APPS)('should route the %s Service to the container port', (app) => {
      const service = named(objects(), 'Service', app);
      const container = containerOf(objects(), app);
      const [port] = service.spec?.ports ?? [];

      const selector = (service.spec?.selector ?? {}) as Record<string, string>;

      expect(resolvePort(container, port.targetPort ?? port.port)).toBe(
        Number(effectiveEnv(container, objects(), 'PORT')),
      );
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(podTemplateOf(named(objects(), 'Deployment', app)).metadata?.labels).toMatchObject(selector);
    });

    it.each(WORKERS)('should give %s an HPA and a PDB that select its pods', (app) => {
      const deployment = named(objects(), 'Deployment', app);
      const podLabels = podTemplateOf(deployment).metadata?.labels ?? {};
      const hpa = named(objects(), 'HorizontalPodAutoscaler', app);
      const pdb = named(objects(), 'PodDisruptionBudget', app);
      const pdbSelector =
        (pdb.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};

      expect(hpa.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: app });
      expect(Object.keys(pdbSelector).length).toBeGreaterThan(0);
      expect(podLabels).toMatchObject(pdbSelector);
    });

    it.each(WORKERS)('should not scale %s past the partition count of its topic profile', (app) => {
      const environment = effectiveEnv(
        containerOf(objects(), app),
        objects(),
        'NODE_ENV',
      ) as keyof typeof TOPIC_PROFILES;
      const hpa = named(objects(), 'HorizontalPodAutoscaler', app);

      expect(hpa.spec?.maxReplicas).toBeLessThanOrEqual(TOPIC_PROFILES[environment].partitions);
      expect(hpa.spec?.minReplicas).toBeLessThanOrEqual(hpa.spec?.maxReplicas ?? 0);
    });

    it('should run one replica of the console, without an HPA or a PDB', () => {
      const byConsole = (kind: string) =>
        ofKind(objects(), kind).filter((object) => object.metadata.name === CONSOLE_APP);

      expect(named(objects(), 'Deployment', CONSOLE_APP).spec?.replicas).toBe(1);
      expect([...byConsole('HorizontalPodAutoscaler'), ...byConsole('PodDisruptionBudget')]).toEqual([]);
    });

    it('should point the console at the other apps\' Services, payloads hidden', () => {
      const container = containerOf(objects(), CONSOLE_APP);
      const servicePort = (app: string) => named(objects(), 'Service', app).spec?.ports?.[0].port;

      expect(consoleAppHosts(effectiveEnv(container, objects(), 'CONSOLE_APPS'))).toEqual(
        Object.fromEntries(CONSOLE_SHOWN_APPS.map((app) => [app, `${app}:${servicePort(app)}`])),
      );
      expect(effectiveEnv(container, objects(), 'CONSOLE_SHOW_PAYLOADS')).toBe('false');
    });

    it('should take secrets only from Secret references and commit no Secret', () => {
      const containers = [...ofKind(objects(), 'Deployment'), ...ofKind(objects(), 'Job')].flatMap(
        (object) => podTemplateOf(object).spec.containers,
      );
      const configMapKeys = ofKind(objects(), 'ConfigMap').flatMap((configMap) => Object.keys(configMap.data ?? {}));

      expect(ofKind(objects(), 'Secret')).toEqual([]);
      expect(configMapKeys.filter((key) => SECRET_VARIABLES.includes(key))).toEqual([]);
      for (const container of containers) {
        for (const variable of container.env ?? []) {
          if (SECRET_VARIABLES.includes(variable.name))
            expect(variable).toEqual({ name: variable.name, valueFrom: { secretKeyRef: expect.any(Object) } });
        }
      }
      expect(containerOf(objects(), 'ingest-gateway').env).toContainEqual({
        name: 'WEBHOOK_SECRETS',
        valueFrom: { secretKeyRef: { name: 'ingest-gateway-webhook', key: 'WEBHOOK_SECRETS' } },
      });
    });

    it('should give every workload its own credentials Secret and none of another workload\'s', () => {
      expect(workloadsOf(objects()).map((object) => object.metadata.name).sort()).toEqual([...WORKLOADS].sort());
      expect(secretsBeyondTheirOwn(objects())).toEqual([]);
    });

    it.each(WORKLOADS)('should have %s read exactly its own Secrets', (workload) => {
      const { kind, reads } = WORKLOAD_SECRETS[workload];

      expect(secretsReadBy(named(objects(), kind, workload))).toEqual([...reads].sort());
      expect(reads).toContain(credentialsSecretOf(workload));
    });

    it('should set every variable the worker env schema adds', () => {
      const container = containerOf(objects(), 'diagnostics-worker');

      for (const name of [
        'MAX_ATTEMPTS',
        'RETRY_BASE_DELAY_MS',
        'RETRY_MAX_DELAY_MS',
        'IDEMPOTENCY_TTL_SECONDS',
        'IDEMPOTENCY_LEASE_MS',
        'CIRCUIT_BREAKER_RESET_MS',
        'CONSUMER_PARTITIONS_CONCURRENCY',
        'CONSUMER_RECORDS_CONCURRENCY',
        'DEGRADED_AGENT_FAILURE_RATE',
        'DEGRADED_MIN_AGENT_EVENTS',
        'DEGRADED_DURATION_FACTOR',
        'DEGRADED_MIN_CONFIDENCE',
        'DIAGNOSTICS_RETENTION_SECONDS',
      ]) {
        expect([name, effectiveEnv(container, objects(), name)]).toEqual([
          name,
          expect.stringMatching(/^\d+(\.\d+)?$/),
        ]);
      }
    });
  });

  describe('the production overlay, against development', () => {
    const env = (overlay: Overlay, name: string) =>
      effectiveEnv(containerOf(built(overlay), 'ingest-gateway'), built(overlay), name);

    it('should use the production topic profile and turn on SASL/TLS for Kafka and TLS for Redis', () => {
      expect(env('production', 'NODE_ENV')).toBe('production');
      expect(env('production', 'KAFKA_SSL')).toBe('true');
      expect(env('production', 'REDIS_TLS')).toBe('true');
      expect(env('production', 'SCHEMA_REGISTRY_URL')).toMatch(/^https:\/\//);
      expect(env('development', 'NODE_ENV')).toBe('development');
    });

    it('should require each workload\'s credentials Secret in production and only there', () => {
      const optional = (overlay: Overlay) =>
        Object.fromEntries(
          workloadsOf(built(overlay)).map((object) => [
            object.metadata.name,
            podTemplateOf(object).spec.containers[0].envFrom?.find(
              (source) => source.secretRef?.name === credentialsSecretOf(object.metadata.name),
            )?.secretRef?.optional,
          ]),
        );

      expect(optional('production')).toEqual(Object.fromEntries(WORKLOADS.map((workload) => [workload, false])));
      expect(optional('development')).toEqual(Object.fromEntries(WORKLOADS.map((workload) => [workload, true])));
    });

    it('should have kafka-init grant the access plan after init in production, and only init in development', () => {
      const commandLine = (overlay: Overlay) => {
        const container = podTemplateOf(named(built(overlay), 'Job', 'kafka-init')).spec.containers[0];
        return [...(container.command ?? []), ...(container.args ?? [])];
      };

      expect(commandLine('production')).toEqual(['sh', '-c', 'node dist/main.js init && exec node dist/main.js access']);
      expect(commandLine('development')).toEqual(['node', 'dist/main.js', 'init']);
    });

    it.each(AUTOSCALED_APPS)('should run more replicas of %s', (app) => {
      const hpa = (overlay: Overlay) => named(built(overlay), 'HorizontalPodAutoscaler', app).spec;

      expect(hpa('production')?.minReplicas).toBeGreaterThanOrEqual(3);
      expect(hpa('production')?.minReplicas).toBeGreaterThan(hpa('development')?.minReplicas ?? 0);
      expect(hpa('production')?.maxReplicas).toBeGreaterThan(hpa('development')?.maxReplicas ?? 0);
    });
  });
});
