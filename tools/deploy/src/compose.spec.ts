import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSOLE_SHOWN_APPS, consoleAppHosts } from './lib/console-apps';
import { APPS, COMPOSE_FILE, CONSOLE_APP } from './lib/deploy-paths';
import type { ComposeConfig } from './lib/probe-targets';
import { envWithout } from './lib/tool-runner';
import { composeConfig } from './lib/validators';
import { parseYaml } from './lib/yaml-documents';

// A dummy value for the one variable the file requires; never a real secret.
const withWebhookSecret = {
  ...process.env,
  WEBHOOK_SECRETS: `whsec_${Buffer.from('compose-config-check-only').toString('base64')}`,
};

describe('docker-compose.yml', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'deploy-compose-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  const brokenCopy = (name: string, edit: (text: string) => string) => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const broken = edit(text);
    expect(broken).not.toBe(text);
    const file = path.join(scratch, name);
    writeFileSync(file, broken);
    return file;
  };

  describe('composeConfig', () => {
    it('should accept the file (docker-compose config -q)', () => {
      const result = composeConfig(COMPOSE_FILE, { env: withWebhookSecret });

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it('should reject a copy with an unknown depends_on condition', () => {
      const file = brokenCopy('bad-condition.yml', (text) =>
        text.replace('condition: service_completed_successfully', 'condition: service_finished'),
      );

      const result = composeConfig(file, { env: withWebhookSecret });

      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/service_finished|condition/);
    });

    it('should reject a copy whose app depends on a service that does not exist', () => {
      const file = brokenCopy('bad-reference.yml', (text) =>
        text.replace('  redis: { condition: service_healthy }', '  redis-cache: { condition: service_healthy }'),
      );

      const result = composeConfig(file, { env: withWebhookSecret });

      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/redis-cache/);
    });

    it('should refuse to start the gateway without WEBHOOK_SECRETS rather than run with a committed secret', () => {
      const result = composeConfig(COMPOSE_FILE, { env: envWithout('WEBHOOK_SECRETS') });

      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/WEBHOOK_SECRETS/);
    });
  });

  describe('services', () => {
    let config: ComposeConfig;

    beforeAll(() => {
      const resolved = composeConfig(COMPOSE_FILE, { quiet: false, env: withWebhookSecret });
      expect(resolved.code).toBe(0);
      config = parseYaml<ComposeConfig>(resolved.stdout);
    });

    it('should run the infrastructure, the init job, the three apps, the console and monitoring', () => {
      expect(Object.keys(config.services).sort()).toEqual(
        [
          'diagnostics-worker',
          'grafana',
          'ingest-gateway',
          'kafka',
          'kafka-init',
          'kafka-ui',
          'ops-console',
          'prometheus',
          'recommendations-worker',
          'redis',
          'schema-registry',
        ].sort(),
      );
    });

    const published = (service: string) =>
      (config.services[service].ports ?? []).map((port) =>
        (typeof port === 'string' ? port : `${port.host_ip}:${port.published}:${port.target}`).replace(/\/tcp$/, ''),
      );

    it('should publish the seed ports on loopback: Kafka 9092, registry 8081, Redis 6379, console 8080, gateway 3000', () => {
      expect(published('kafka')).toContain('127.0.0.1:9092:9092');
      expect(published('schema-registry')).toContain('127.0.0.1:8081:8081');
      expect(published('redis')).toContain('127.0.0.1:6379:6379');
      expect(published(CONSOLE_APP)).toEqual(['127.0.0.1:8080:8080']);
      expect(published('ingest-gateway')).toContain('127.0.0.1:3000:3000');
    });

    it('should keep Kafka UI, moved to 8090: 8080 is the console\'s (ARCHITECTURE.md §5)', () => {
      expect(published('kafka-ui')).toEqual(['127.0.0.1:8090:8080']);
    });

    it.each(APPS)('should publish %s on loopback on the port it listens on', (app) => {
      const port = config.services[app].environment?.['PORT'];

      expect(published(app)).toEqual([`127.0.0.1:${port}:${port}`]);
    });

    it('should run Kafka in KRaft mode from the official apache/kafka 4.x image', () => {
      const kafka = config.services['kafka'];

      expect(kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
      expect(kafka.environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    });

    it.each(APPS)('should start %s only after kafka-init succeeded and its dependencies are healthy', (app) => {
      expect(config.services[app].depends_on).toEqual({
        'kafka-init': { condition: 'service_completed_successfully' },
        'schema-registry': { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    });

    it.each(APPS)('should build %s from the Dockerfile and bind it to 0.0.0.0 on its own port', (app) => {
      const service = config.services[app];

      expect(service.build?.args?.['APP']).toBe(app);
      expect(service.environment?.['HOST']).toBe('0.0.0.0');
      expect(service.environment?.['PORT']).toBe(service.build?.args?.['PORT']);
      expect(service.environment?.['KAFKA_BROKERS']).toBe('kafka:29092');
    });

    it.each(APPS)('should give %s longer to stop than its SHUTDOWN_TIMEOUT_MS', (app) => {
      const service = config.services[app];
      const graceSeconds = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '10s')?.[1]);

      expect(graceSeconds * 1000).toBeGreaterThan(Number(service.environment?.['SHUTDOWN_TIMEOUT_MS'] ?? 25_000));
    });

    it('should point the console at the other apps by service name and port', () => {
      const environment = config.services[CONSOLE_APP].environment ?? {};

      expect(consoleAppHosts(environment['CONSOLE_APPS'])).toEqual(
        Object.fromEntries(CONSOLE_SHOWN_APPS.map((app) => [app, `${app}:${config.services[app].environment?.['PORT']}`])),
      );
      expect(environment['CONSOLE_SHOW_PAYLOADS']).toBe('false');
    });

    it('should have Prometheus scrape only after every app started', () => {
      expect(Object.keys(config.services['prometheus'].depends_on ?? {}).sort()).toEqual([...APPS].sort());
    });

    it('should run kafka-init once with the init command after Kafka and the registry are healthy', () => {
      const init = config.services['kafka-init'];

      expect(init.command).toEqual(['node', 'dist/main.js', 'init']);
      expect(init.build?.args).toMatchObject({ APP: 'kafka-init', APP_ROOT: 'tools' });
      expect(init.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        'schema-registry': { condition: 'service_healthy' },
      });
    });

    it('should pin every image to a version', () => {
      const images = Object.values(config.services).flatMap((service) => (service.image ? [service.image] : []));

      for (const image of images) expect(image).toMatch(/:(?!latest$)[\w.-]+$/);
    });

    it('should mount the alert rules and the dashboard that tools/deploy validates', () => {
      const sources = (service: string) =>
        (config.services[service].volumes ?? []).map((volume) =>
          typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? ''),
        );

      expect(sources('prometheus')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/k8s\/monitoring\/opal-alerts\.rules\.yml$/),
          expect.stringMatching(/tools\/observability\/prometheus\.yml$/),
        ]),
      );
      expect(sources('grafana')).toEqual(
        expect.arrayContaining([expect.stringMatching(/k8s\/monitoring\/grafana\/opal-dashboard\.json$/)]),
      );
    });

    it('should commit no webhook secret', () => {
      expect(readFileSync(COMPOSE_FILE, 'utf8')).not.toMatch(/whsec_[A-Za-z0-9+/]{8,}/);
    });
  });

  describe('the console\'s CONSOLE_ADMIN_TOKEN', () => {
    const adminToken = (env: NodeJS.ProcessEnv) => {
      const resolved = composeConfig(COMPOSE_FILE, { quiet: false, env });
      expect(resolved.code).toBe(0);
      return parseYaml<ComposeConfig>(resolved.stdout).services[CONSOLE_APP].environment?.['CONSOLE_ADMIN_TOKEN'];
    };

    it('should be empty (a read-only console) unless the environment sets it: none is committed', () => {
      expect(adminToken({ ...envWithout('CONSOLE_ADMIN_TOKEN'), WEBHOOK_SECRETS: withWebhookSecret.WEBHOOK_SECRETS })).toBe(
        '',
      );
    });

    it('should come from the environment', () => {
      expect(adminToken({ ...withWebhookSecret, CONSOLE_ADMIN_TOKEN: 'compose-config-check-only' })).toBe(
        'compose-config-check-only',
      );
    });
  });
});
