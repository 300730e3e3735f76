import { z } from 'zod';

export type EnvSource = Record<string, string | undefined>;

/** Names whose values must never be echoed back, even in an error. */
const SENSITIVE_NAME = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL/i;

/** The environment did not satisfy an app's schema; `message` is one line naming every bad variable. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';

  constructor(
    readonly appName: string,
    readonly problems: readonly string[],
  ) {
    super(`${appName}: invalid environment: ${problems.join('; ')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue, env: EnvSource): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = env[name];
  if (raw === undefined) return `${name} is required: ${issue.message}`;
  const shown = SENSITIVE_NAME.test(name) ? '(value hidden)' : JSON.stringify(raw);
  return `${name}=${shown}: ${issue.message}`;
}

/** Empty strings mean "unset", so `FOO=` in an env file falls back to the default. */
function withoutEmptyValues(env: EnvSource): EnvSource {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

/**
 * Validates `env` against `schema` and returns the typed result.
 * @throws InvalidEnvironmentError naming each offending variable and what it expected.
 */
export function parseEnv<S extends z.ZodType>(appName: string, schema: S, env: EnvSource): z.output<S> {
  const cleaned = withoutEmptyValues(env);
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new InvalidEnvironmentError(
    appName,
    result.error.issues.map((issue) => describeIssue(issue, cleaned)),
  );
}

/**
 * Start-up helper: builds the app's config or prints the one-line reason and exits with code 1,
 * before anything connects anywhere.
 */
export function parseEnvOrExit<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
