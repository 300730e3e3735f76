import { Webhook } from 'standardwebhooks';
import { fixtureData } from '@opal/contracts/testing';
import { WebhookSender, sendWebhook, type WebhookSenderOptions } from './webhook.sender';
import { WebhookDeliveryError, WebhookRejectedError, WebhookRetryLaterError } from './webhook-sender.errors';

const SECRET = 'whsec_' + Buffer.from('client-sender-spec-secret-0123456789').toString('base64');
const NOW = Date.parse('2026-11-26T12:00:00Z');
const ACCEPTED = { event_id: 'e-1', topic: 'opal.workflow.started', partition: 1, offset: '7', duplicate: false };

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A gateway in memory: answers in turn, remembers every request. */
function gateway(...answers: Answer[]) {
  const requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  const fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), headers: init?.headers as Record<string, string>, body: String(init?.body) });
    const answer = answers[Math.min(requests.length, answers.length) - 1] as Answer;
    if (answer instanceof Error) throw answer;
    const problem = answer.status >= 400;
    return new Response(JSON.stringify(answer.body ?? (problem ? { type: '/problems/x', title: 'X', status: answer.status } : ACCEPTED)), {
      status: answer.status,
      headers: { 'content-type': problem ? 'application/problem+json' : 'application/json', ...answer.headers },
    });
  });
  const sleeps: number[] = [];
  const options: WebhookSenderOptions = {
    url: 'http://gateway.test/',
    secrets: SECRET,
    env: {},
    fetch: fetch as typeof globalThis.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
    now: () => NOW,
  };
  return { requests, sleeps, options };
}

const data = fixtureData('workflow.started') as never;

describe(WebhookSender.name, () => {
  describe('send', () => {
    it('should POST a Standard Webhooks signed body to the gateway and resolve with its answer', async () => {
      const { requests, options } = gateway({ status: 202 });

      const accepted = await new WebhookSender(options).send('workflow.started', data, { deliveryId: 'msg_1', correlationId: 'corr-1' });

      expect(accepted).toEqual({ ...ACCEPTED, status: 202, deliveryId: 'msg_1', attempts: 1 });
      const [request] = requests;
      expect(request?.url).toBe('http://gateway.test/v1/webhooks/opal');
      expect(JSON.parse(request?.body ?? '')).toEqual({ type: 'workflow.started', timestamp: '2026-11-26T12:00:00.000Z', data });
      expect(request?.headers).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000), 'content-type': 'application/json', 'x-correlation-id': 'corr-1' });
      expect(request?.headers['webhook-signature']).toBe(new Webhook(SECRET).sign('msg_1', new Date(NOW), request?.body ?? ''));
    });

    it('should retry 5xx, 409, 429 and connection failures with the same webhook-id and body', async () => {
      const { requests, options } = gateway({ status: 503 }, { status: 409 }, { status: 429 }, new TypeError('fetch failed'), { status: 200, body: { ...ACCEPTED, duplicate: true } });

      const accepted = await new WebhookSender(options).send('workflow.started', data, { deliveryId: 'msg_2' });

      expect(accepted).toMatchObject({ status: 200, duplicate: true, attempts: 5 });
      expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set(['msg_2']));
      expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    });

    it('should wait with exponential backoff and full jitter from 200 ms', async () => {
      const { sleeps, options } = gateway({ status: 500 });

      await expect(new WebhookSender(options).send('workflow.started', data)).rejects.toBeInstanceOf(WebhookDeliveryError);

      expect(sleeps).toEqual([200, 400, 800, 1600]);
      const jittered = gateway({ status: 500 });
      await new WebhookSender({ ...jittered.options, random: () => 0.5, maxAttempts: 3 }).send('workflow.started', data).catch(() => undefined);
      expect(jittered.sleeps).toEqual([100, 200]);
    });

    it('should wait what Retry-After asks, in seconds or as an HTTP date', async () => {
      const { sleeps, options } = gateway(
        { status: 429, headers: { 'retry-after': '2' } },
        { status: 503, headers: { 'retry-after': new Date(NOW + 3000).toUTCString() } },
        { status: 202 },
      );

      await new WebhookSender(options).send('workflow.started', data);

      expect(sleeps).toEqual([2000, 3000]);
    });

    it('should stop and surface a Retry-After over 10 s instead of waiting it out', async () => {
      const { requests, options } = gateway({ status: 503, headers: { 'retry-after': '30' }, body: { type: '/problems/dependency-unavailable', title: 'Unavailable', status: 503, detail: 'kafka is unavailable' } });

      const error = await new WebhookSender(options).send('workflow.started', data, { deliveryId: 'msg_3' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WebhookRetryLaterError);
      expect(error).toMatchObject({ status: 503, retryAfterMs: 30_000, deliveryId: 'msg_3', attempts: 1, retriable: true });
      expect(requests).toHaveLength(1);
    });

    it('should stop at another 4xx with the problem+json as a typed error', async () => {
      const problem = { type: '/problems/invalid-request', title: 'Invalid request', status: 400, detail: 'The request does not match', errors: [{ path: 'data.client_name', message: 'expected string' }] };
      const { requests, options } = gateway({ status: 400, body: problem });

      const error = await new WebhookSender(options).send('workflow.started', data).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WebhookRejectedError);
      expect(error).toMatchObject({ status: 400, problem, type: '/problems/invalid-request', errors: problem.errors, retriable: false });
      expect((error as Error).message).toContain('data.client_name: expected string');
      expect(requests).toHaveLength(1);
    });

    it('should give up after maxAttempts with the last failure as the cause', async () => {
      const refused = new TypeError('fetch failed');
      const { requests, options } = gateway(refused);

      const error = await new WebhookSender({ ...options, maxAttempts: 2 }).send('workflow.started', data).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WebhookDeliveryError);
      expect(error).toMatchObject({ attempts: 2, lastStatus: undefined, cause: refused });
      expect(requests).toHaveLength(2);
    });
  });

  describe('constructor', () => {
    it('should read the gateway URL and the secrets from the environment', async () => {
      const { requests, options } = gateway({ status: 202 });

      await new WebhookSender({ ...options, url: undefined, secrets: undefined, env: { INGEST_GATEWAY_URL: 'http://from-env:3000', WEBHOOK_SECRETS: SECRET } }).send('workflow.started', data);

      expect(requests[0]?.url).toBe('http://from-env:3000/v1/webhooks/opal');
    });

    it('should refuse to start without a secret', () => {
      expect(() => new WebhookSender({ env: {} })).toThrow('WebhookSender needs a whsec_ secret');
    });
  });
});

describe(sendWebhook.name, () => {
  it('should send one delivery with the sender options given alongside', async () => {
    const { requests, options } = gateway({ status: 202 });

    await expect(sendWebhook('workflow.started', data, { ...options, deliveryId: 'msg_4' })).resolves.toMatchObject({ deliveryId: 'msg_4' });
    expect(requests[0]?.headers['webhook-id']).toBe('msg_4');
  });
});
