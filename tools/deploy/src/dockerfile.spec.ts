import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { APPS, DOCKERFILE, ROOT } from './lib/deploy-paths';

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ keyword: string; args: string }> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

// No Docker engine (nor hadolint) here: these checks read the file for the rules the issue sets.
describe('Dockerfile', () => {
  const text = readFileSync(DOCKERFILE, 'utf8');
  const steps = instructions(text);
  const all = (keyword: string) => steps.filter((step) => step.keyword === keyword);
  const stageOf = (name: string) => {
    const start = steps.findIndex((step) => step.keyword === 'FROM' && step.args.endsWith(` AS ${name}`));
    const end = steps.findIndex((step, index) => index > start && step.keyword === 'FROM');
    return steps.slice(start, end === -1 ? undefined : end);
  };

  describe('instructions', () => {
    it('should build from a pinned Node LTS image (even major, full version)', () => {
      const image = /^NODE_IMAGE=node:(\d+)\.\d+\.\d+-[a-z]+-slim$/.exec(
        all('ARG').find((step) => step.args.startsWith('NODE_IMAGE='))?.args ?? '',
      );

      expect(image).not.toBeNull();
      expect(Number(image?.[1]) % 2).toBe(0);
      expect(Number(image?.[1])).toBeGreaterThanOrEqual(22);
      for (const from of all('FROM')) expect(from.args).toMatch(/^\$\{NODE_IMAGE\} AS [a-z-]+$/);
    });

    it('should build with Nx in a builder stage and ship production dependencies only', () => {
      expect(
        stageOf('build')
          .map((step) => step.args)
          .join('\n'),
      ).toMatch(/npx nx run "\$\{APP\}:build"/);
      expect(
        stageOf('prod-deps')
          .map((step) => step.args)
          .join('\n'),
      ).toMatch(/npm ci --omit=dev/);
      expect(
        stageOf('runtime')
          .filter((step) => step.keyword === 'COPY')
          .map((step) => step.args),
      ).toEqual([
        '--from=prod-deps /app/node_modules ./node_modules',
        '--from=build /app/dist/${APP_ROOT}/${APP}/ ./dist/',
      ]);
    });

    it('should run as a non-root user, bound to 0.0.0.0', () => {
      const runtime = stageOf('runtime');

      expect(runtime.find((step) => step.keyword === 'USER')?.args).toMatch(/^(?!0\b|root\b)\d+(:\d+)?$/);
      expect(runtime.find((step) => step.keyword === 'ENV')?.args).toMatch(/\bHOST=0\.0\.0\.0\b/);
    });

    it('should start Node in exec form so SIGTERM reaches it', () => {
      const cmd = all('CMD').at(-1)?.args ?? '';

      expect(JSON.parse(cmd)).toEqual(['node', 'dist/main.js']);
      expect(all('ENTRYPOINT')).toEqual([]);
    });

    it('should check /health/live with node, the image having no curl', () => {
      const healthcheck = all('HEALTHCHECK')[0]?.args ?? '';

      expect(healthcheck).toMatch(/CMD \["node", "-e", .*\/health\/live/);
      expect(healthcheck).not.toMatch(/curl|wget/);
    });
  });

  describe('header', () => {
    it.each(APPS)('should show how to build the image of %s, with the port the app listens on', (app) => {
      const port = LOCAL_STACK_DEFAULTS.appPorts[app];

      expect(text).toMatch(new RegExp(`^# +docker build --build-arg APP=${app} +--build-arg PORT=${port} -t opal/${app} \\.$`, 'm'));
    });
  });

  describe('.dockerignore', () => {
    it('should keep local state, dependencies and build output out of the context', () => {
      const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');

      expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.stack', '.nx', '.tools']));
    });
  });
});
