import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import type { IdempotencyInterceptor } from '@opal/platform-idempotency';
import { ConsumerIdempotencyInterceptor } from './consumer-idempotency.interceptor';

const contextOf = (type: 'rpc' | 'http') => ({ getType: () => type }) as unknown as ExecutionContext;

describe(ConsumerIdempotencyInterceptor.name, () => {
  const handler: CallHandler = { handle: () => of('handled') };
  const inner = { intercept: jest.fn(() => of('deduplicated')) };
  const interceptor = new ConsumerIdempotencyInterceptor(inner as unknown as IdempotencyInterceptor);

  beforeEach(() => inner.intercept.mockClear());

  describe('intercept', () => {
    it('should run a message handler through the idempotency interceptor', async () => {
      const context = contextOf('rpc');

      expect(await lastValueFrom(interceptor.intercept(context, handler))).toBe('deduplicated');
      expect(inner.intercept).toHaveBeenCalledWith(context, handler);
    });

    it('should leave HTTP routes alone', async () => {
      expect(await lastValueFrom(interceptor.intercept(contextOf('http'), handler))).toBe('handled');
      expect(inner.intercept).not.toHaveBeenCalled();
    });
  });
});
