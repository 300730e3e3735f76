import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';

export const ROOT = workspaceRoot;

/** Where scripts/install-validators.sh puts kustomize, kubeconform and the Kubernetes schemas. */
export const TOOLS_DIR = path.join(ROOT, '.tools');
export const TOOLS_BIN = path.join(TOOLS_DIR, 'bin');
export const K8S_SCHEMAS_DIR = path.join(TOOLS_DIR, 'k8s-schemas');

export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const DOCKERFILE = path.join(ROOT, 'Dockerfile');
export const K8S_DIR = path.join(ROOT, 'k8s');
export const RULES_FILE = path.join(K8S_DIR, 'monitoring', 'opal-alerts.rules.yml');
export const RULES_TEST_FILE = path.join(K8S_DIR, 'monitoring', 'opal-alerts.rules.test.yml');
export const DASHBOARD_FILE = path.join(K8S_DIR, 'monitoring', 'grafana', 'opal-dashboard.json');
export const PROMETHEUS_CONFIG = path.join(ROOT, 'tools', 'observability', 'prometheus.yml');

export const OVERLAYS = ['development', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];
export const overlayDir = (overlay: Overlay) => path.join(K8S_DIR, 'overlays', overlay);

/** The HTTP-serving apps, each deployed as its own image, Deployment and compose service. */
export const APPS = ['ingest-gateway', 'diagnostics-worker', 'recommendations-worker', 'ops-console'] as const;
export type AppName = (typeof APPS)[number];

/** The operations console (ARCHITECTURE.md §6): one replica, no HPA or PDB; it shows the other apps. */
export const CONSOLE_APP = 'ops-console' satisfies AppName;

const SCHEMA_DIR = /^v(\d+\.\d+\.\d+)-standalone-strict$/;

/** The Kubernetes version whose strict schemas the installer unpacked (one directory per version). */
export function installedKubernetesVersion(): string {
  const versions = existsSync(K8S_SCHEMAS_DIR)
    ? readdirSync(K8S_SCHEMAS_DIR).flatMap((entry) => SCHEMA_DIR.exec(entry)?.[1] ?? [])
    : [];
  if (versions.length !== 1) {
    throw new Error(
      `expected one v<version>-standalone-strict directory in ${K8S_SCHEMAS_DIR}: run tools/deploy/scripts/install-validators.sh`,
    );
  }
  return versions[0];
}
