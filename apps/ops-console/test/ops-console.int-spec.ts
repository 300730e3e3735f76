import { randomUUID } from 'node:crypto';
import { freePort, prometheusSample, startBuiltApp, type RunningApp } from '@opal/platform-runtime/testing';
import { ADMIN_TOKEN, GROUPS, kafka, writeDeadDecision } from './support/console-stack';

const run = randomUUID().slice(0, 8);
const DECISION = `dec-console-int-${run}`;
// Nothing answers here: the console must say so, not fail.
const UNREACHABLE_APPS = 'ingest-gateway=http://127.0.0.1:9,diagnostics-worker=http://127.0.0.1:9';

const startConsole = async (env: Record<string, string>) =>
  startBuiltApp('ops-console', { PORT: String(await freePort()), CONSOLE_APPS: UNREACHABLE_APPS, ...env });

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

/**
 * The console over HTTP against the real Kafka, registry and Redis: its health and metrics, the
 * rules around replay (read-only without a token, login, CSRF), and the payload rule.
 */
describe('ops-console (HTTP, real stack)', () => {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let guarded: RunningApp;
  let readOnly: RunningApp;
  let showing: RunningApp;
  let dead: Awaited<ReturnType<typeof writeDeadDecision>>;
  const replayFields = () => ({ topic: dead.dlqTopic, group: GROUPS.recommendations, offsets: `${dead.partition}:${dead.offset}` });
  const sourceEnd = async () => (await admin.fetchTopicOffsets('opal.decision.generated')).map(({ high }) => high).join(',');

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    // Addressed to the recommendations group: nothing in this suite may replay it.
    dead = await writeDeadDecision(producer, GROUPS.recommendations, { decision_id: DECISION });
    [guarded, readOnly, showing] = await Promise.all([
      startConsole({ CONSOLE_ADMIN_TOKEN: ADMIN_TOKEN }),
      startConsole({}),
      startConsole({ CONSOLE_SHOW_PAYLOADS: 'true' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([guarded?.stop(), readOnly?.stop(), showing?.stop()]);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  describe('health and metrics', () => {
    it('should be ready with Kafka, Redis and the registry up, and serve Prometheus metrics', async () => {
      const ready = await fetch(`${guarded.baseUrl}/health/ready`);
      const body = (await ready.json()) as { details: Record<string, { status: string }> };

      expect(ready.status).toBe(200);
      expect(Object.keys(body.details).sort()).toEqual(['kafka', 'redis', 'schema_registry']);
      expect(prometheusSample(await (await fetch(`${guarded.baseUrl}/metrics`)).text(), 'process_cpu_seconds_total')).toBeGreaterThan(0);
    });
  });

  describe('pages', () => {
    it('should send a strict content security policy and refuse framing', async () => {
      const response = await fetch(`${guarded.baseUrl}/`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    });

    it('should show unreachable apps as unreachable', async () => {
      const page = await (await fetch(`${guarded.baseUrl}/fragments/overview`)).text();

      expect(page).toMatch(/data-app="diagnostics-worker"[^]*?unreachable/);
    });

    it('should answer a bad query with 400 and the reason', async () => {
      const unknown = await fetch(`${guarded.baseUrl}/messages?topic=opal.no-such-topic-${run}`);
      const badLimit = await fetch(`${guarded.baseUrl}/messages?topic=opal.decision.generated&limit=0`);

      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain(`unknown topic opal.no-such-topic-${run}`);
      expect(badLimit.status).toBe(400);
      expect(await badLimit.text()).toContain('limit &quot;0&quot; must be a whole number from 1 to 200');
    });
  });

  describe('replay rules', () => {
    it('should refuse a replay without a session, and write nothing', async () => {
      const before = await sourceEnd();

      const response = await fetch(`${guarded.baseUrl}/dead-letters/replay`, form(replayFields()));

      expect(response.status).toBe(403);
      expect(await response.text()).toContain('log in as admin first');
      expect(await sourceEnd()).toBe(before);
    });

    it('should refuse a wrong token, and give the right one an HttpOnly, SameSite=Strict session', async () => {
      const wrong = await fetch(`${guarded.baseUrl}/login`, form({ token: `${ADMIN_TOKEN}-wrong` }));
      const right = await fetch(`${guarded.baseUrl}/login`, form({ token: ADMIN_TOKEN, next: '//elsewhere.example' }));

      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      expect(right.status).toBe(303);
      // An off-site `next` is not followed: no open redirect.
      expect(right.headers.get('location')).toBe('/dead-letters');
      expect(right.headers.get('set-cookie')).toMatch(/^opal_console_admin=\d+\.[\w-]+;.*HttpOnly/);
      expect(right.headers.get('set-cookie')).toContain('SameSite=Strict');
    });

    it('should refuse a logged-in replay whose CSRF token is missing or forged, and write nothing', async () => {
      const login = await fetch(`${guarded.baseUrl}/login`, form({ token: ADMIN_TOKEN }));
      const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
      const before = await sourceEnd();

      const missing = await fetch(`${guarded.baseUrl}/dead-letters/replay`, { ...form(replayFields()), headers: { ...form({}).headers, cookie } });
      const forged = await fetch(`${guarded.baseUrl}/dead-letters/replay`, {
        ...form({ ...replayFields(), csrf: 'forged' }),
        headers: { ...form({}).headers, cookie },
      });

      expect([missing.status, forged.status]).toEqual([403, 403]);
      expect(await forged.text()).toContain('CSRF token mismatch');
      expect(await sourceEnd()).toBe(before);
    });

    it('should offer no replay and refuse every one when CONSOLE_ADMIN_TOKEN is unset', async () => {
      const list = await (await fetch(`${readOnly.baseUrl}/dead-letters?topic=${dead.dlqTopic}`)).text();
      const attempt = await fetch(`${readOnly.baseUrl}/dead-letters/replay`, { ...form(replayFields()), headers: { ...form({}).headers, 'x-console-token': ADMIN_TOKEN } });

      expect(list).toContain(`data-location="${dead.dlqTopic}:${dead.partition}:${dead.offset}"`);
      expect(list).not.toContain('class="replay"');
      expect(list).toContain('Read-only: set CONSOLE_ADMIN_TOKEN');
      expect(attempt.status).toBe(403);
      expect(await attempt.text()).toContain('read-only');
    });
  });

  describe('Kafka unreachable', () => {
    it('should stay up, not ready, show the outage on its pages and answer 503 where it needs Kafka', async () => {
      const cut = await startConsole({ KAFKA_BROKERS: '127.0.0.1:1', CONSOLE_ADMIN_TOKEN: ADMIN_TOKEN });
      try {
        const ready = await fetch(`${cut.baseUrl}/health/ready`);
        const overview = await fetch(`${cut.baseUrl}/`);
        const show = await fetch(`${cut.baseUrl}/dead-letters/${dead.dlqTopic}/${dead.partition}/${dead.offset}`);

        expect(ready.status).toBe(503);
        expect(overview.status).toBe(200);
        expect(await overview.text()).toContain('Kafka unavailable:');
        expect(show.status).toBe(503);
        expect(await show.text()).toContain('cannot reach Kafka at 127.0.0.1:1');
      } finally {
        await cut.stop();
      }
    });
  });

  describe('payloads', () => {
    const showPath = () => `/dead-letters/${dead.dlqTopic}/${dead.partition}/${dead.offset}`;

    it('should show headers and ids but not payload fields by default', async () => {
      const page = await (await fetch(`${guarded.baseUrl}${showPath()}`)).text();

      expect(page).toContain('x-dlq-error-class');
      expect(page).toContain('DependencyUnavailableError');
      expect(page).toContain('Payload fields hidden');
      expect(page).not.toContain(DECISION);
    });

    it('should show payload fields with CONSOLE_SHOW_PAYLOADS=true', async () => {
      const page = await (await fetch(`${showing.baseUrl}${showPath()}`)).text();

      expect(page).toContain(DECISION);
      expect(page).not.toContain('Payload fields hidden');
    });
  });
});
