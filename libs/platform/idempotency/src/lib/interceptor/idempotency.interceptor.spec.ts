import { Logger, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { KafkaContext } from '@nestjs/microservices';
import { lastValueFrom, of, throwError, toArray, defer, type Observable } from 'rxjs';
import { IdempotencyStoreUnavailableError } from '../idempotency.errors';
import { InMemoryIdempotencyStore } from '../testing/in-memory-idempotency.store';
import { Idempotent } from './idempotent.decorator';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { payloadFingerprint } from './idempotency.extractors';
import type { IdempotencyInterceptorOptions } from './idempotency-interceptor.options';
import { TEST_RECORD_LIFETIMES } from '../testing/record-lifetimes';

class DiagnosticsController {
  handle(): void {
    return undefined;
  }

  @Idempotent({ duplicateResponse: 'seen' })
  special(): void {
    return undefined;
  }
}

function rpcContext(
  data: unknown,
  headers: Record<string, unknown> = {},
  handler = DiagnosticsController.prototype.handle,
): ExecutionContext {
  const message = { key: null, value: null, offset: '0', timestamp: '0', attributes: 0, headers };
  const kafka = new KafkaContext([
    message as never,
    0,
    'opal.agent.completed',
    {} as never,
    async () => undefined,
    {} as never,
  ]);
  const context = new ExecutionContextHost([data, kafka], DiagnosticsController, handler);
  context.setType('rpc');
  return context;
}

function httpContext(headers: Record<string, string>, body: unknown = {}): ExecutionContext {
  const context = new ExecutionContextHost(
    [{ headers, body }, {}, undefined],
    DiagnosticsController,
    DiagnosticsController.prototype.handle,
  );
  context.setType('http');
  return context;
}

/** A handler that counts its runs and answers `value` (or fails with `error`). */
function handlerOf(value: unknown, error?: Error) {
  const runs = jest.fn();
  const next: CallHandler = {
    handle: () =>
      defer(() => {
        runs();
        return error ? throwError(() => error) : of(value);
      }),
  };
  return { next, runs };
}

const run = (observable: Observable<unknown>) => lastValueFrom(observable.pipe(toArray()));
const event = (id: string, extra: Record<string, unknown> = {}) => ({ event_id: id, workflow_id: 'wf-1', ...extra });

describe(IdempotencyInterceptor.name, () => {
  let store: InMemoryIdempotencyStore;
  const interceptorWith = (options: Partial<IdempotencyInterceptorOptions> = {}) =>
    new IdempotencyInterceptor(store, { scope: 'opal-diagnostics', ...options }, new Reflector());

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    store = new InMemoryIdempotencyStore(TEST_RECORD_LIFETIMES);
  });

  describe('intercept (RPC)', () => {
    it('should run the handler once, store its result and short-circuit the redelivery', async () => {
      const interceptor = interceptorWith();
      const { next, runs } = handlerOf({ processed: 'e-1' });

      expect(await run(interceptor.intercept(rpcContext(event('e-1')), next))).toEqual([{ processed: 'e-1' }]);
      expect(await run(interceptor.intercept(rpcContext(event('e-1')), next))).toEqual([{ duplicate: true }]);
      expect(runs).toHaveBeenCalledTimes(1);
      expect(await store.claim('opal-diagnostics', 'e-1')).toEqual({
        state: 'done',
        sameFingerprint: true,
        result: { processed: 'e-1' },
      });
    });

    it('should answer a duplicate with a configured value or a function of the stored result', async () => {
      const { next } = handlerOf({ offset: '9' });
      await run(interceptorWith().intercept(rpcContext(event('e-2')), next));

      expect(await run(interceptorWith({ duplicateResponse: null }).intercept(rpcContext(event('e-2')), next))).toEqual(
        [null],
      );
      const fromStored = interceptorWith({ duplicateResponse: (stored) => ({ duplicate: true, stored }) });
      expect(await run(fromStored.intercept(rpcContext(event('e-2')), next))).toEqual([
        { duplicate: true, stored: { offset: '9' } },
      ]);
    });

    it('should store what the result option picks from the handler value', async () => {
      const { next } = handlerOf({ big: 'x'.repeat(10), id: 3 });
      await run(
        interceptorWith({ result: (value) => (value as { id: number }).id }).intercept(rpcContext(event('e-3')), next),
      );

      expect(await store.claim('opal-diagnostics', 'e-3')).toMatchObject({ state: 'done', result: 3 });
    });

    it('should release the claim and rethrow when the handler fails, so the retry runs it', async () => {
      const interceptor = interceptorWith();
      const failure = new Error('downstream timeout');

      await expect(run(interceptor.intercept(rpcContext(event('e-4')), handlerOf(null, failure).next))).rejects.toBe(
        failure,
      );
      const retry = handlerOf('ok');
      expect(await run(interceptor.intercept(rpcContext(event('e-4')), retry.next))).toEqual(['ok']);
      expect(retry.runs).toHaveBeenCalledTimes(1);
    });

    it('should rethrow the handler error even when the release fails', async () => {
      jest.spyOn(store, 'release').mockRejectedValue(new IdempotencyStoreUnavailableError('release', 'connection'));
      const failure = new Error('boom');

      await expect(
        run(interceptorWith().intercept(rpcContext(event('e-5')), handlerOf(null, failure).next)),
      ).rejects.toBe(failure);
    });

    it('should fail with the retriable IDEMPOTENCY_IN_FLIGHT while another worker holds the key', async () => {
      await store.claim('opal-diagnostics', 'e-6');
      const { next, runs } = handlerOf('never');

      await expect(run(interceptorWith().intercept(rpcContext(event('e-6')), next))).rejects.toMatchObject({
        code: 'IDEMPOTENCY_IN_FLIGHT',
        statusCode: 409,
        scope: 'opal-diagnostics',
        key: 'e-6',
      });
      expect(runs).not.toHaveBeenCalled();
    });

    it('should fail with IDEMPOTENCY_FINGERPRINT_MISMATCH for another payload under a known key, in flight or done', async () => {
      const interceptor = interceptorWith({ fingerprint: (data) => payloadFingerprint(data) });
      await store.claim('opal-diagnostics', 'e-7', { fingerprint: payloadFingerprint(event('e-7')) });
      const { next, runs } = handlerOf('x');

      await expect(
        run(interceptor.intercept(rpcContext(event('e-7', { workflow_id: 'other' })), next)),
      ).rejects.toMatchObject({
        code: 'IDEMPOTENCY_FINGERPRINT_MISMATCH',
        statusCode: 422,
      });
      await run(interceptor.intercept(rpcContext(event('e-8')), next));
      await expect(
        run(interceptor.intercept(rpcContext(event('e-8', { workflow_id: 'other' })), next)),
      ).rejects.toMatchObject({
        code: 'IDEMPOTENCY_FINGERPRINT_MISMATCH',
      });
      expect(await run(interceptor.intercept(rpcContext(event('e-8')), next))).toEqual([{ duplicate: true }]);
      expect(runs).toHaveBeenCalledTimes(1);
    });

    it('should dedupe by key only by default, whatever the payload', async () => {
      const { next, runs } = handlerOf('x');
      await run(interceptorWith().intercept(rpcContext(event('e-9', { correlation_id: 'c-1' })), next));

      expect(await run(interceptorWith().intercept(rpcContext(event('e-9', { correlation_id: 'c-2' })), next))).toEqual(
        [{ duplicate: true }],
      );
      expect(runs).toHaveBeenCalledTimes(1);
    });

    it('should read the key from the Kafka event_id header when the payload has none', async () => {
      const { next } = handlerOf('x');
      await run(
        interceptorWith().intercept(rpcContext({ workflow_id: 'wf' }, { event_id: Buffer.from('e-10') }), next),
      );

      expect((await store.claim('opal-diagnostics', 'e-10')).state).toBe('done');
    });

    it('should use a configured key extractor', async () => {
      const { next } = handlerOf('x');
      await run(
        interceptorWith({ key: (data) => (data as { workflow_id: string }).workflow_id }).intercept(
          rpcContext(event('e-11')),
          next,
        ),
      );

      expect((await store.claim('opal-diagnostics', 'wf-1')).state).toBe('done');
    });

    it('should reject a message without a key with IDEMPOTENCY_KEY_MISSING, or run it when told to proceed', async () => {
      const { next, runs } = handlerOf('x');

      await expect(run(interceptorWith().intercept(rpcContext({ workflow_id: 'wf' }), next))).rejects.toMatchObject({
        code: 'IDEMPOTENCY_KEY_MISSING',
        statusCode: 400,
      });
      expect(runs).not.toHaveBeenCalled();
      expect(await run(interceptorWith({ onMissingKey: 'proceed' }).intercept(rpcContext({}), next))).toEqual(['x']);
    });

    it('should rethrow IDEMPOTENCY_STORE_UNAVAILABLE when failing closed, and run unprotected when failing open', async () => {
      jest.spyOn(store, 'claim').mockRejectedValue(new IdempotencyStoreUnavailableError('claim', 'timeout'));
      const { next, runs } = handlerOf('x');

      await expect(run(interceptorWith().intercept(rpcContext(event('e-12')), next))).rejects.toMatchObject({
        code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
      });
      expect(runs).not.toHaveBeenCalled();
      expect(await run(interceptorWith({ failMode: 'open' }).intercept(rpcContext(event('e-12')), next))).toEqual([
        'x',
      ]);
    });

    it('should still fail on other claim errors when failing open', async () => {
      const bug = new TypeError('bad scope');
      jest.spyOn(store, 'claim').mockRejectedValue(bug);

      await expect(
        run(interceptorWith({ failMode: 'open' }).intercept(rpcContext(event('e-13')), handlerOf('x').next)),
      ).rejects.toBe(bug);
    });

    it('should emit the handler value even when completing fails or the lease was lost', async () => {
      const complete = jest
        .spyOn(store, 'complete')
        .mockRejectedValueOnce(new IdempotencyStoreUnavailableError('complete', 'connection'));
      expect(await run(interceptorWith().intercept(rpcContext(event('e-14')), handlerOf('done').next))).toEqual([
        'done',
      ]);

      complete.mockResolvedValueOnce(false);
      expect(await run(interceptorWith().intercept(rpcContext(event('e-15')), handlerOf('done').next))).toEqual([
        'done',
      ]);
    });

    it('should complete only after the handler finished, with its last value', async () => {
      const complete = jest.spyOn(store, 'complete');
      const next: CallHandler = { handle: () => of(1, 2, 3) };

      expect(await run(interceptorWith().intercept(rpcContext(event('e-16')), next))).toEqual([1, 2, 3]);
      expect(complete).toHaveBeenCalledWith('opal-diagnostics', 'e-16', expect.any(String), 3, undefined);
    });

    it('should pass the lease and TTL options to the store', async () => {
      const claim = jest.spyOn(store, 'claim');
      const complete = jest.spyOn(store, 'complete');
      await run(
        interceptorWith({ leaseMs: 60_000, ttlSeconds: 3_600 }).intercept(
          rpcContext(event('e-17')),
          handlerOf('x').next,
        ),
      );

      expect(claim).toHaveBeenCalledWith('opal-diagnostics', 'e-17', { fingerprint: '', leaseMs: 60_000 });
      expect(complete).toHaveBeenCalledWith('opal-diagnostics', 'e-17', expect.any(String), 'x', 3_600);
    });

    it('should let @Idempotent() options on the handler override the module defaults', async () => {
      const { next } = handlerOf('x');
      const context = () => rpcContext(event('e-18'), {}, DiagnosticsController.prototype.special);
      await run(interceptorWith().intercept(context(), next));

      expect(await run(interceptorWith().intercept(context(), next))).toEqual(['seen']);
    });

    it('should refuse to run without a scope', () => {
      const interceptor = new IdempotencyInterceptor(store, null, new Reflector());

      expect(() => interceptor.intercept(rpcContext(event('e-19')), handlerOf('x').next)).toThrow('needs a scope');
    });
  });

  describe('intercept (HTTP)', () => {
    it('should dedupe by the idempotency-key header', async () => {
      const interceptor = interceptorWith({ scope: 'http-test' });
      const { next, runs } = handlerOf({ created: true });

      expect(await run(interceptor.intercept(httpContext({ 'idempotency-key': 'k-1' }), next))).toEqual([
        { created: true },
      ]);
      expect(await run(interceptor.intercept(httpContext({ 'idempotency-key': 'k-1' }), next))).toEqual([
        { duplicate: true },
      ]);
      expect(runs).toHaveBeenCalledTimes(1);
    });

    it('should read a configured header and fingerprint the body', async () => {
      const interceptor = interceptorWith({ header: 'Webhook-Id', fingerprint: (body) => payloadFingerprint(body) });
      const { next } = handlerOf('ok');
      await run(interceptor.intercept(httpContext({ 'webhook-id': 'msg_1' }, { a: 1, b: 2 }), next));

      expect(await run(interceptor.intercept(httpContext({ 'webhook-id': 'msg_1' }, { b: 2, a: 1 }), next))).toEqual([
        { duplicate: true },
      ]);
      await expect(
        run(interceptor.intercept(httpContext({ 'webhook-id': 'msg_1' }, { a: 2 }), next)),
      ).rejects.toMatchObject({ statusCode: 422 });
    });

    it('should reject a request without the header', async () => {
      await expect(run(interceptorWith().intercept(httpContext({}), handlerOf('x').next))).rejects.toMatchObject({
        statusCode: 400,
      });
    });
  });

  describe('intercept (other contexts)', () => {
    it('should pass WebSocket calls through untouched', async () => {
      const context = new ExecutionContextHost([{}, {}], DiagnosticsController, DiagnosticsController.prototype.handle);
      context.setType('ws');
      const claim = jest.spyOn(store, 'claim');

      expect(await run(interceptorWith().intercept(context, handlerOf('x').next))).toEqual(['x']);
      expect(claim).not.toHaveBeenCalled();
    });
  });
});
