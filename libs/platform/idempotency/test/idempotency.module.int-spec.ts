import type { CallHandler } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import { Cluster, Redis } from 'ioredis';
import { defer, lastValueFrom, of } from 'rxjs';
import { IdempotencyInterceptor, IdempotencyModule, IdempotencyStore, idempotencyRedisOptions } from '../src';
import { deleteScope, redisConnection, uniqueScope, unusedPort } from './support/redis-stack';
import { IDEMPOTENCY_REDIS } from '../src/lib/idempotency.constants';
import { TEST_RECORD_LIFETIMES } from '../src/lib/testing/record-lifetimes';

class AgentCompletedController {
  handle(): void {
    return undefined;
  }
}

function delivery(eventId: string) {
  const context = new ExecutionContextHost(
    [{ event_id: eventId, workflow_id: 'wf-1' }, undefined],
    AgentCompletedController,
    AgentCompletedController.prototype.handle,
  );
  context.setType('rpc');
  return context;
}

describe(`${IdempotencyModule.name} (real Redis)`, () => {
  const scope = uniqueScope('module');
  const admin = new Redis(idempotencyRedisOptions(redisConnection));

  afterAll(async () => {
    await deleteScope(admin, scope);
    await admin.quit();
  });

  it('should connect its own client at start-up, dedupe redeliveries through the interceptor and quit on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [IdempotencyModule.forRoot({ ...TEST_RECORD_LIFETIMES, connection: redisConnection, interceptor: { scope } })],
    }).compile();
    await moduleRef.init();
    const interceptor = moduleRef.get(IdempotencyInterceptor);
    let runs = 0;
    const next: CallHandler = { handle: () => defer(() => of(`processed ${++runs}`)) };

    const first = await lastValueFrom(interceptor.intercept(delivery('evt-1'), next));
    const redelivered = await lastValueFrom(interceptor.intercept(delivery('evt-1'), next));

    expect([first, redelivered, runs]).toEqual(['processed 1', { duplicate: true }, 1]);
    expect(await admin.hget(`opal:idempotency:${scope}:evt-1`, 'result')).toBe('"processed 1"');
    const store = moduleRef.get(IdempotencyStore);
    await moduleRef.close();
    await expect(store.claim(scope, 'after-close')).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE' });
  });

  it('should start without Redis and fail checks fast until it is back', async () => {
    const started = Date.now();
    const moduleRef = await Test.createTestingModule({
      imports: [
        IdempotencyModule.forRoot({
          ...TEST_RECORD_LIFETIMES,
          connection: { host: '127.0.0.1', port: await unusedPort() },
          interceptor: { scope },
        }),
      ],
    }).compile();
    await moduleRef.init();

    await expect(moduleRef.get(IdempotencyStore).claim(scope, 'down')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await moduleRef.close();
  });

  it('should start with an unreachable Redis Cluster, fail checks fast and stop its Cluster client on close', async () => {
    const seed = { host: '127.0.0.1', port: await unusedPort() };
    const moduleRef = await Test.createTestingModule({
      imports: [
        IdempotencyModule.forRoot({
          ...TEST_RECORD_LIFETIMES,
          connection: { ...seed, cluster: { nodes: [seed] } },
          connectTimeoutMs: 500,
          interceptor: { scope },
        }),
      ],
    }).compile();
    await moduleRef.init();
    const { client } = moduleRef.get<{ client: Cluster }>(IDEMPOTENCY_REDIS);
    const started = Date.now();

    expect(client).toBeInstanceOf(Cluster);
    await expect(moduleRef.get(IdempotencyStore).claim(scope, 'cluster-down')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_STORE_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await moduleRef.close();
    // A Cluster client quit while it had no node stays `disconnecting`, but it stops reconnecting
    // (it tried every ~100 ms until then).
    const reconnects = jest.fn();
    client.on('connecting', reconnects);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reconnects).not.toHaveBeenCalled();
  });
});
