import { createHash } from 'node:crypto';
import { fixtureData } from '@opal/contracts/testing';
import { signWebhook } from '@opal/contracts';
import type { ProblemException } from '@opal/platform-runtime';
import { WebhooksService } from './webhooks.service';
import {
  DependencyUnavailableError,
  EventValidationError,
  type AcceptedEvent,
  type DeliveryAdmission,
  type DeliveryClaim,
  type DeliveryLedger,
  type EventEncoder,
  type EventPublisher,
  type RateLimiter,
} from './webhook.ports';

const SECRET = 'whsec_' + Buffer.from('unit-test-secret-0123456789').toString('base64');

/** An in-memory ledger with the store's semantics: claim, done with result, release. */
class FakeLedger implements DeliveryLedger {
  readonly entries = new Map<string, { fingerprint: string; token: string; result?: AcceptedEvent }>();
  async claim(deliveryId: string, fingerprint: string): Promise<DeliveryClaim> {
    const entry = this.entries.get(deliveryId);
    if (!entry) {
      this.entries.set(deliveryId, { fingerprint, token: `t-${deliveryId}` });
      return { state: 'claimed', token: `t-${deliveryId}` };
    }
    const sameFingerprint = entry.fingerprint === fingerprint;
    return entry.result ? { state: 'done', sameFingerprint, result: entry.result } : { state: 'in-flight', sameFingerprint };
  }
  async complete(deliveryId: string, _token: string, result: AcceptedEvent) {
    const entry = this.entries.get(deliveryId);
    if (entry) entry.result = result;
  }
  async release(deliveryId: string) {
    this.entries.delete(deliveryId);
  }
}

function setup(overrides: { encoder?: EventEncoder; publisher?: EventPublisher; allowed?: boolean; limiter?: RateLimiter; ledger?: FakeLedger } = {}) {
  const ledger = overrides.ledger ?? new FakeLedger();
  const published: Array<{ topic: string; key: string; headers: Record<string, string> }> = [];
  const publisher: EventPublisher = overrides.publisher ?? {
    publish: async (record) => (published.push(record), { partition: 1, offset: String(published.length - 1) }),
  };
  const encoder: EventEncoder = overrides.encoder ?? { encode: async () => Buffer.from([0, 0, 0, 0, 1]) };
  const limiter = overrides.limiter ?? { consume: async () => ({ allowed: overrides.allowed ?? true, retryAfterSeconds: 1 }) };
  // The real admission is one script; this one does what it does: count against the limiter, then claim within the limit.
  const admission: DeliveryAdmission = {
    admit: async (sourceId, deliveryId, fingerprint) => {
      const rate = await limiter.consume(sourceId);
      return rate.allowed ? { allowed: true, claim: await ledger.claim(deliveryId, fingerprint) } : { allowed: false, retryAfterSeconds: rate.retryAfterSeconds };
    },
  };
  const service = new WebhooksService({ secrets: [SECRET], sourceSystem: 'opal', environment: 'development' }, admission, ledger, encoder, publisher, limiter);
  return { service, ledger, published };
}

function delivery(id: string, data: Record<string, unknown>, type = 'agent.completed') {
  const rawBody = JSON.stringify({ type, timestamp: '2026-11-26T12:00:00Z', data });
  return { rawBody: Buffer.from(rawBody), headers: signWebhook({ secrets: SECRET, deliveryId: id, body: rawBody }), correlationId: 'corr-1' };
}

/** The fixture's type-specific fields: what a sender puts under `data`. */
const agentData = fixtureData('agent.completed');

const problemOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as ProblemException;
  }
  throw new Error('expected a problem');
};

describe(WebhooksService.name, () => {
  describe('accept', () => {
    it('should publish once, keyed and headed per the contract, and answer 202 with the ack', async () => {
      const { service, published } = setup();
      const outcome = await service.accept(delivery('msg_1', agentData));

      expect(outcome.status).toBe(202);
      expect(outcome.body).toMatchObject({ topic: 'opal.agent.completed', partition: 1, offset: '0', duplicate: false });
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ topic: 'opal.agent.completed', key: agentData.workflow_id });
      expect(published[0]?.headers).toMatchObject({ event_type: 'agent.completed', event_id: outcome.body.event_id, correlation_id: 'corr-1' });
    });

    it('should answer a redelivery with 200, the original result and duplicate: true, publishing nothing', async () => {
      const { service, published } = setup();
      const first = await service.accept(delivery('msg_1', agentData));
      const again = await service.accept(delivery('msg_1', agentData));

      expect(again).toEqual({ status: 200, body: { ...first.body, duplicate: true } });
      expect(published).toHaveLength(1);
    });

    it('should refuse the same delivery id with a different body (422) and while in flight (409)', async () => {
      const { service, ledger } = setup();
      await service.accept(delivery('msg_1', agentData));
      expect((await problemOf(service.accept(delivery('msg_1', { ...agentData, offset: 2 })))).status).toBe(422);

      ledger.entries.set('msg_2', { fingerprint: 'someone else', token: 't' });
      expect((await problemOf(service.accept(delivery('msg_2', agentData)))).status).toBe(422);
      const inFlight = delivery('msg_3', agentData);
      await ledger.claim('msg_3', createHash('sha256').update(inFlight.rawBody).digest('hex'));
      expect((await problemOf(service.accept(inFlight))).status).toBe(409);
    });

    it('should refuse an over-long webhook-id with 400 before verifying or claiming anything', async () => {
      const { service, published, ledger } = setup();

      const problem = await problemOf(service.accept(delivery(`msg_${'x'.repeat(10_240)}`, agentData)));

      expect(problem).toMatchObject({ status: 400, code: 'invalid-webhook-id', options: { errors: [{ path: 'headers.webhook-id' }] } });
      expect(published).toEqual([]);
      expect(ledger.entries.size).toBe(0);
    });

    it('should refuse a bad signature with 401 before anything else', async () => {
      const { service, published } = setup();
      const forged = { ...delivery('msg_1', agentData), rawBody: Buffer.from('{"type":"agent.completed"}') };
      expect(await problemOf(service.accept(forged))).toMatchObject({ status: 401, code: 'invalid-signature' });
      expect(published).toHaveLength(0);
    });

    it('should name the schema violation under data.<path> with 400', async () => {
      const encoder = { encode: async () => Promise.reject(new EventValidationError([{ path: 'processing_time_ms', message: 'expected long, got "fast"' }])) };
      const { service, published } = setup({ encoder });
      const problem = await problemOf(service.accept(delivery('msg_1', { ...agentData, processing_time_ms: 'fast' })));

      expect(problem).toMatchObject({ status: 400, code: 'validation-failed' });
      expect(problem.options.errors).toEqual([{ path: 'data.processing_time_ms', message: 'expected long, got "fast"' }]);
      expect(published).toHaveLength(0);
    });

    it('should answer 503 with Retry-After when Kafka is down, and let the retry through once it is back', async () => {
      let down = true;
      const publisher: EventPublisher = {
        publish: async () => {
          if (down) throw new DependencyUnavailableError('kafka');
          return { partition: 0, offset: '7' };
        },
      };
      const { service } = setup({ publisher });
      const problem = await problemOf(service.accept(delivery('msg_1', agentData)));
      expect(problem).toMatchObject({ status: 503, code: 'dependency-unavailable' });
      expect(problem.options.headers?.['retry-after']).toBeDefined();

      down = false;
      expect((await service.accept(delivery('msg_1', agentData))).status).toBe(202);
    });

    it('should answer 429 when the source is over its rate', async () => {
      const { service } = setup({ allowed: false });
      expect(await problemOf(service.accept(delivery('msg_1', agentData)))).toMatchObject({ status: 429, code: 'rate-limited' });
    });

    it('should answer 503 naming Redis, publishing nothing, when the rate limiter cannot reach it (fail-closed)', async () => {
      const limiter: RateLimiter = { consume: () => Promise.reject(new DependencyUnavailableError('redis')) };
      const { service, published, ledger } = setup({ limiter });

      const problem = await problemOf(service.accept(delivery('msg_1', agentData)));

      expect(problem).toMatchObject({ status: 503, code: 'dependency-unavailable', options: { detail: expect.stringMatching(/^redis is unavailable/) } });
      expect(published).toEqual([]);
      expect(ledger.entries.size).toBe(0);
    });

    it('should count a refused request against the rate too, answering 429 over the limit and 503 with Redis down (fail-closed)', async () => {
      const consumed: string[] = [];
      const counting = (answer: () => Promise<{ allowed: boolean; retryAfterSeconds: number }>): RateLimiter => ({
        consume: (sourceId) => (consumed.push(sourceId), answer()),
      });
      const invalid = delivery('msg_1', { ...agentData, offset: 'first' });
      const encoder = { encode: async () => Promise.reject(new EventValidationError([{ path: 'offset', message: 'expected int' }])) };

      expect((await problemOf(setup({ encoder, limiter: counting(async () => ({ allowed: true, retryAfterSeconds: 1 })) }).service.accept(invalid))).status).toBe(400);
      expect((await problemOf(setup({ encoder, limiter: counting(async () => ({ allowed: false, retryAfterSeconds: 1 })) }).service.accept(invalid))).status).toBe(429);
      const closed = counting(() => Promise.reject(new DependencyUnavailableError('redis')));
      expect(await problemOf(setup({ encoder, limiter: closed }).service.accept(invalid))).toMatchObject({ status: 503, code: 'dependency-unavailable' });
      expect(consumed).toHaveLength(3);
    });

    it('should answer 202 once Kafka acknowledged, without waiting for the delivery result to be recorded', async () => {
      const ledger = new FakeLedger();
      const recorded: string[] = [];
      ledger.complete = (deliveryId) => (recorded.push(deliveryId), new Promise<void>(() => undefined));
      const { service, published } = setup({ ledger });

      const outcome = await service.accept(delivery('msg_1', agentData));

      expect(outcome.status).toBe(202);
      expect(published).toHaveLength(1);
      expect(recorded).toEqual(['msg_1']);
    });

    it('should still answer 202 when recording the delivery result fails: the event is in Kafka', async () => {
      const ledger = new FakeLedger();
      ledger.complete = () => Promise.reject(new Error('Connection is closed.'));
      const { service } = setup({ ledger });

      expect((await service.accept(delivery('msg_1', agentData))).status).toBe(202);
    });

    it('should tell malformed JSON, unknown types and invalid requests apart', async () => {
      const { service } = setup();
      const signed = (id: string, rawBody: string) => ({ rawBody: Buffer.from(rawBody), headers: signWebhook({ secrets: SECRET, deliveryId: id, body: rawBody }), correlationId: 'c' });

      expect((await problemOf(service.accept(signed('a', '{"type":')))).code).toBe('malformed-json');
      expect((await problemOf(service.accept(delivery('b', agentData, 'agent.vanished')))).code).toBe('unknown-event-type');
      expect((await problemOf(service.accept(signed('c', '{"type":"agent.completed","timestamp":"soon","data":{}}')))).code).toBe('validation-failed');
    });
  });
});
