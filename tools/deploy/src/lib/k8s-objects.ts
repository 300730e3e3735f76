/** The parts of Kubernetes objects the deployment checks read; everything else stays opaque. */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface HttpGetProbe {
  httpGet?: { path?: string; port: number | string };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  startupProbe?: HttpGetProbe;
  livenessProbe?: HttpGetProbe;
  readinessProbe?: HttpGetProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
}

export interface Volume {
  name: string;
  secret?: { secretName?: string };
  projected?: { sources?: Array<{ secret?: { name?: string } }> };
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    volumes?: Volume[];
    terminationGracePeriodSeconds?: number;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  };
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    template?: PodTemplate;
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
    scaleTargetRef?: { kind: string; name: string };
    replicas?: number;
    minReplicas?: number;
    maxReplicas?: number;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string }>;
  };
}

export const ofKind = (objects: readonly K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);

export function named(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the build`);
  return found;
}

export function podTemplateOf(object: K8sObject): PodTemplate {
  if (!object.spec?.template) throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
  return object.spec.template;
}

/** A probe's or Service's port, with a named port resolved against the container's ports. */
export function resolvePort(container: Container, port: number | string): number {
  if (typeof port === 'number') return port;
  const match = container.ports?.find((candidate) => candidate.name === port);
  if (!match) throw new Error(`container ${container.name} has no port named ${port}`);
  return match.containerPort;
}

/**
 * The value a variable has in the container: an explicit `env` entry wins over `envFrom`
 * ConfigMaps, and among those the later one wins (Kubernetes' order). Undefined when unset.
 */
export function effectiveEnv(container: Container, objects: readonly K8sObject[], name: string): string | undefined {
  const explicit = container.env?.find((variable) => variable.name === name);
  if (explicit) return explicit.value;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const data = named(objects, 'ConfigMap', source.configMapRef.name).data ?? {};
    if (name in data) value = data[name];
  }
  return value;
}

/**
 * The name of every Secret a workload's pods read, however they read it: `envFrom`, single `env`
 * keys and Secret volumes (projected ones too), of its containers and init containers.
 */
export function secretsReadBy(object: K8sObject): string[] {
  const { spec } = podTemplateOf(object);
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  const names = [
    ...containers.flatMap((container) => [
      ...(container.envFrom ?? []).flatMap((source) => source.secretRef?.name ?? []),
      ...(container.env ?? []).flatMap((variable) => variable.valueFrom?.secretKeyRef?.name ?? []),
    ]),
    ...(spec.volumes ?? []).flatMap((volume) => [
      ...(volume.secret?.secretName ? [volume.secret.secretName] : []),
      ...(volume.projected?.sources ?? []).flatMap((source) => source.secret?.name ?? []),
    ]),
  ];
  return [...new Set(names)].sort();
}
