import { execFileSync } from 'node:child_process';
import { workspaceRoot } from '@nx/devkit';

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * Lints `source` as if it were the file at `asFile`, through the ESLint CLI (the flat config is
 * ESM, which Jest's module system cannot load), and returns the module-boundary messages.
 * Type-aware rules are off because the probe exists only on stdin; the boundary rule needs none.
 */
function violationsOf(asFile: string, source: string): string[] {
  const args = ['eslint', '--stdin', '--stdin-filename', asFile, '--format', 'json', '--parser-options', 'projectService:false'];
  args.push('--rule', JSON.stringify({ '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' }));
  let output: string;
  try {
    output = execFileSync('npx', args, { cwd: workspaceRoot, input: source, env: { ...process.env, NX_DAEMON: 'false' }, encoding: 'utf8' });
  } catch (error) {
    // ESLint exits 1 when it reports an error; its JSON report is still on stdout.
    output = (error as { stdout?: string }).stdout || '';
    if (!output) throw error;
  }
  const [result] = JSON.parse(output) as Array<{ messages: LintMessage[] }>;
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries (@nx/enforce-module-boundaries on project tags)', () => {
  it('should reject an app importing another app', () => {
    const violations = violationsOf(
      'apps/diagnostics-worker/src/boundary-probe.ts',
      "import { AppModule } from '../../ingest-gateway/src/app.module';\nexport const probe = AppModule;\n",
    );

    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/cannot be imported by a relative or absolute path/);
  });

  it('should reject a contract lib depending on platform code', () => {
    const violations = violationsOf(
      'libs/contracts/src/lib/boundary-probe.ts',
      "import { parseEnv } from '@opal/platform-config';\nexport const probe = parseEnv;\n",
    );

    expect(violations).toEqual([expect.stringMatching(/tagged with "type:contract" can only depend on libs tagged with "type:contract"/)]);
  });

  it('should allow apps and platform libs to use platform and contract libs', () => {
    expect(
      violationsOf(
        'apps/recommendations-worker/src/boundary-probe.ts',
        "import { CONSUMER_GROUPS } from '@opal/contracts';\nimport { parseEnv } from '@opal/platform-config';\nexport const probe = [CONSUMER_GROUPS, parseEnv];\n",
      ),
    ).toEqual([]);
    expect(
      violationsOf(
        'libs/platform/kafka/src/lib/boundary-probe.ts',
        "import { TOPIC_CATALOGUE } from '@opal/contracts';\nexport const probe = TOPIC_CATALOGUE;\n",
      ),
    ).toEqual([]);
  });

  it('should let the e2e project use platform and contract libs but never an app\'s code', () => {
    expect(
      violationsOf(
        'apps/opal-flow-e2e/test/boundary-probe.ts',
        "import { signWebhook } from '@opal/contracts';\nimport { startNxApp } from '@opal/platform-runtime/testing';\nexport const probe = [signWebhook, startNxApp];\n",
      ),
    ).toEqual([]);
    expect(
      violationsOf(
        'apps/opal-flow-e2e/test/boundary-probe.ts',
        "import { AppModule } from '../../ingest-gateway/src/app.module';\nexport const probe = AppModule;\n",
      ),
    ).toEqual([expect.stringMatching(/cannot be imported by a relative or absolute path/)]);
  });
});
