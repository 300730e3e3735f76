import { execFileSync } from 'node:child_process';
import { workspaceRoot } from '@nx/devkit';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { freePort, prometheusSample, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';
import { TopicTap } from '@opal/platform-kafka/testing';
import { bodyFor, postWebhook } from './support/webhook-client';
import { fixtureData } from '@opal/contracts/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const SECRET = 'whsec_' + Buffer.from('gateway-degraded-0123456789abcdef').toString('base64');
const body = () => bodyFor('workflow.started', fixtureData('workflow.started'));

async function withGateway<T>(env: Record<string, string>, run: (app: RunningApp) => Promise<T>): Promise<T> {
  const app = await startNxApp('ingest-gateway', { PORT: String(await freePort()), WEBHOOK_SECRETS: SECRET, ...env });
  try {
    return await run(app);
  } finally {
    await app.stop();
  }
}

const stack = (...args: string[]) => execFileSync('bash', ['tools/local-stack/stack.sh', ...args], { cwd: workspaceRoot, stdio: 'pipe' });

/** `/health/ready`'s status and the names of the dependencies it reports down. */
async function readiness(baseUrl: string): Promise<{ status: number; down: string[] }> {
  const response = await fetch(`${baseUrl}/health/ready`);
  const body = (await response.json()) as { error?: Record<string, unknown> };
  return { status: response.status, down: Object.keys(body.error ?? {}).sort() };
}

const unenforcedChecks = async (baseUrl: string) =>
  prometheusSample(await (await fetch(`${baseUrl}/metrics`)).text(), 'opal_rate_limit_checks_total', { result: 'unavailable' });

describe('ingest-gateway under pressure and failure', () => {
  const tap = new TopicTap(brokers);

  beforeAll(() => tap.open());
  afterAll(() => tap.close());

  it('should answer 429 with Retry-After past the per-source rate, and accept within it', async () => {
    await withGateway({ RATE_LIMIT_PER_SECOND: '3' }, async (app) => {
      const responses = await Promise.all(Array.from({ length: 12 }, () => postWebhook(app.baseUrl, { body: body(), secrets: SECRET })));
      const limited = responses.filter((response) => response.status === 429);
      const accepted = responses.filter((response) => response.status === 202);

      expect(limited.length).toBeGreaterThan(0);
      expect(accepted.length).toBeGreaterThan(0);
      // One window allows 3; a burst can straddle two windows, never more.
      expect(accepted.length).toBeLessThanOrEqual(6);
      for (const response of limited) {
        expect(response.headers.get('retry-after')).toBe('1');
        expect(response.body['type']).toBe('/problems/rate-limited');
      }
      expect((await tap.read()).length).toBe(accepted.length);
    });
  });

  it('should publish anyway when Redis is unreachable in fail-open mode (the default)', async () => {
    await withGateway({ REDIS_PORT: String(await freePort()) }, async (app) => {
      const response = await postWebhook(app.baseUrl, { body: body(), secrets: SECRET });

      expect(response.status).toBe(202);
      expect((await tap.read()).map((record) => record.headers['event_id'])).toEqual([response.body['event_id']]);
      expect(await readiness(app.baseUrl)).toEqual({ status: 503, down: ['redis'] });
    });
  });

  it('should let requests past the rate limit when Redis is unreachable in fail-open mode, saying so once in the log and counting each', async () => {
    await withGateway({ REDIS_PORT: String(await freePort()), RATE_LIMIT_PER_SECOND: '1' }, async (app) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await postWebhook(app.baseUrl, { body: body(), secrets: SECRET })).status);

      expect(statuses).toEqual([202, 202, 202]);
      expect(await unenforcedChecks(app.baseUrl)).toBe(3);
      expect(app.output().match(/Redis unavailable: requests pass without a rate limit \(IDEMPOTENCY_FAIL_MODE=open\)/g)).toHaveLength(1);
      expect((await tap.read()).length).toBe(3);
    });
  });

  it('should refuse with 503 when Redis is unreachable in fail-closed mode, producing nothing', async () => {
    await withGateway({ REDIS_PORT: String(await freePort()), IDEMPOTENCY_FAIL_MODE: 'closed' }, async (app) => {
      const response = await postWebhook(app.baseUrl, { body: body(), secrets: SECRET });

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(response.body['type']).toBe('/problems/dependency-unavailable');
      expect(await tap.read()).toEqual([]);
      // Refused at the rate limit already, the first step that needs Redis.
      expect(await unenforcedChecks(app.baseUrl)).toBe(1);
      expect(app.output()).toMatch(/Redis unavailable: requests are refused with 503 \(IDEMPOTENCY_FAIL_MODE=closed\)/);
    });
  });

  it('should answer only 503s while Kafka is stopped, then accept again once it is back, without a restart', async () => {
    await withGateway({}, async (app) => {
      expect((await postWebhook(app.baseUrl, { body: body(), secrets: SECRET })).status).toBe(202);
      await tap.read();

      stack('down', 'kafka');
      let during: number[] = [];
      let readyDuring: Awaited<ReturnType<typeof readiness>> | undefined;
      try {
        during = (await Promise.all(Array.from({ length: 5 }, () => postWebhook(app.baseUrl, { body: body(), secrets: SECRET })))).map((r) => r.status);
        readyDuring = await readiness(app.baseUrl);
      } finally {
        stack('up', 'kafka');
      }
      expect(during).toEqual([503, 503, 503, 503, 503]);
      expect(readyDuring).toEqual({ status: 503, down: ['kafka'] });

      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline && status !== 202) {
        status = (await postWebhook(app.baseUrl, { body: body(), secrets: SECRET })).status;
        if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(status).toBe(202);
      expect(await readiness(app.baseUrl)).toEqual({ status: 200, down: [] });
    });
  });
});
