import path from 'node:path';
import { K8S_SCHEMAS_DIR, ROOT, TOOLS_BIN, installedKubernetesVersion } from './deploy-paths';
import { runTool, type ToolResult } from './tool-runner';

/**
 * The real validators behind `deploy:test`, one function each. They return the tool's exit code
 * and output rather than throwing, so a test can assert that a broken file is rejected.
 */

/** `docker-compose config` (Debian's docker-compose): schema, interpolation, references between services. */
export function composeConfig(
  file: string,
  { quiet = true, env = process.env }: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {},
): ToolResult {
  return runTool('docker-compose', ['--project-directory', ROOT, '-f', file, 'config', ...(quiet ? ['-q'] : [])], {
    env,
  });
}

export function kustomizeBuild(dir: string): ToolResult {
  return runTool(path.join(TOOLS_BIN, 'kustomize'), ['build', dir]);
}

/** kubeconform -strict against the offline schemas: unknown fields and wrong types are errors, missing schemas too. */
export function kubeconform(manifests: string): ToolResult {
  const location = path.join(
    K8S_SCHEMAS_DIR,
    '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json',
  );
  return runTool(
    path.join(TOOLS_BIN, 'kubeconform'),
    ['-strict', '-summary', '-kubernetes-version', installedKubernetesVersion(), '-schema-location', location, '-'],
    { input: manifests },
  );
}

/** `kustomize build <dir> | kubeconform -strict`: fails when either step does. */
export function buildAndValidate(dir: string): ToolResult & { manifests: string } {
  const build = kustomizeBuild(dir);
  if (build.code !== 0) return { ...build, manifests: '' };
  return { ...kubeconform(build.stdout), manifests: build.stdout };
}

export function promtool(args: readonly string[]): ToolResult {
  return runTool('promtool', args);
}
