import { APPS, CONSOLE_APP } from './deploy-paths';

/** The apps the operations console shows and reads: every app but itself. */
export const CONSOLE_SHOWN_APPS = APPS.filter((app) => app !== CONSOLE_APP);

/** `CONSOLE_APPS` (`name=baseUrl,…`, ARCHITECTURE.md §6) as app name → the `host:port` it calls. */
export function consoleAppHosts(value: string | null | undefined): Record<string, string> {
  return Object.fromEntries(
    (value ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [name, baseUrl] = entry.split(/=(.*)/s);
        return [name.trim(), new URL(baseUrl.trim()).host];
      }),
  );
}
