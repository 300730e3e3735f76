import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { REQUIRED, UNSET, type EnvDefault } from '../env-defaults';

const WORKERS = ['diagnostics-worker', 'recommendations-worker'];
/** Words the README's "read by" column may use for groups of apps. */
const APP_GROUPS: Record<string, readonly string[]> = { 'all apps': ['ingest-gateway', ...WORKERS, 'ops-console'], 'both workers': WORKERS };

const TABLE_HEADER = '| variable | default | read by | what it sets |';

const unquote = (cell: string) => cell.trim().replace(/^`(.*)`$/, '$1');

function defaultOf(cell: string): EnvDefault {
  const text = cell.trim();
  if (text === UNSET) return UNSET;
  if (text === `**${REQUIRED}**`) return REQUIRED;
  return unquote(text);
}

/**
 * The variables and defaults the README's configuration table documents for `appName`. Throws
 * when the table is missing or a row is malformed, so a broken table cannot pass as an empty one.
 */
export function documentedEnvDefaults(appName: string, readmePath = path.join(workspaceRoot, 'README.md')): Map<string, EnvDefault> {
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  const start = lines.indexOf(TABLE_HEADER);
  if (start < 0) throw new Error(`${readmePath} has no configuration table starting "${TABLE_HEADER}"`);
  const documented = new Map<string, EnvDefault>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [name, fallback, readBy] = line.split('|').slice(1, 4);
    if (name === undefined || fallback === undefined || readBy === undefined) throw new Error(`malformed configuration row: ${line}`);
    const apps = readBy.split(',').flatMap((word) => APP_GROUPS[word.trim()] ?? [word.trim()]);
    if (!apps.includes(appName)) continue;
    const variable = unquote(name);
    if (documented.has(variable)) throw new Error(`${variable} is documented twice for ${appName}`);
    documented.set(variable, defaultOf(fallback));
  }
  return documented;
}
