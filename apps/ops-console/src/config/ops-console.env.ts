import { z } from 'zod';
import {
  LOCAL_STACK_DEFAULTS,
  booleanVar,
  optionalSecretVar,
  parseEnv,
  platformSchema,
  positiveIntVar,
  toPlatformConfig,
  type EnvSource,
} from '@opal/platform-config';

export const OPS_CONSOLE = 'ops-console';

/** The apps the console watches by default: where `npm run up` serves them. */
const DEFAULT_APPS = (['ingest-gateway', 'diagnostics-worker', 'recommendations-worker'] as const)
  .map((name) => `${name}=http://${LOCAL_STACK_DEFAULTS.httpHost}:${LOCAL_STACK_DEFAULTS.appPorts[name]}`)
  .join(',');

const APP_ENTRY = /^([a-z][a-z0-9-]*)=(https?:\/\/\S+?)\/*$/;

/** `name=baseUrl,…`: the apps whose readiness the console shows and whose query APIs it reads. */
function appUrlsVar(fallback: string) {
  const what = 'a comma-separated list of name=http(s)://host:port';
  return z
    .string({ error: `expected ${what}` })
    .default(fallback)
    .transform((value, ctx) => {
      const apps = new Map<string, string>();
      for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = APP_ENTRY.exec(entry);
        if (!match) {
          ctx.addIssue({ code: 'custom', message: `expected ${what} ("${entry}" is not name=url)` });
          return z.NEVER;
        }
        apps.set(match[1] as string, match[2] as string);
      }
      return apps;
    });
}

/** Every variable the console reads, with its default: the one source of both (README's table is checked against it). */
export const opsConsoleEnv = platformSchema(LOCAL_STACK_DEFAULTS.appPorts[OPS_CONSOLE], {
  CONSOLE_APPS: appUrlsVar(DEFAULT_APPS),
  // Unset: the console is read-only. Set: replaying dead letters needs it (login form or x-console-token header).
  CONSOLE_ADMIN_TOKEN: optionalSecretVar(),
  // Payload fields may hold personal data: off by default, headers and ids only.
  CONSOLE_SHOW_PAYLOADS: booleanVar(false),
  // How often end offsets are sampled for records/s; a minute's rate needs a few samples in it.
  CONSOLE_SAMPLE_INTERVAL_MS: positiveIntVar(5_000),
  // Upper bound on one read of records (a messages page, a dead-letter list), group join included.
  CONSOLE_READ_TIMEOUT_MS: positiveIntVar(20_000),
  // Records per partition a search by event_id / correlation_id / key looks back through.
  CONSOLE_SEARCH_DEPTH: positiveIntVar(2_000),
});

export type OpsConsoleConfig = ReturnType<typeof loadOpsConsoleConfig>;

export function loadOpsConsoleConfig(env: EnvSource) {
  const parsed = parseEnv(OPS_CONSOLE, opsConsoleEnv, env);
  return {
    ...toPlatformConfig(parsed),
    console: {
      apps: parsed.CONSOLE_APPS,
      adminToken: parsed.CONSOLE_ADMIN_TOKEN,
      showPayloads: parsed.CONSOLE_SHOW_PAYLOADS,
      sampleIntervalMs: parsed.CONSOLE_SAMPLE_INTERVAL_MS,
      readTimeoutMs: parsed.CONSOLE_READ_TIMEOUT_MS,
      searchDepth: parsed.CONSOLE_SEARCH_DEPTH,
    },
  };
}

export type ConsoleOptions = OpsConsoleConfig['console'];
