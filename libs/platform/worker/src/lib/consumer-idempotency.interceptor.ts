import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { IdempotencyInterceptor } from '@opal/platform-idempotency';

/**
 * The idempotency interceptor for every message handler of a worker, registered app-wide so no
 * handler can miss it; HTTP routes (health, metrics, queries) pass through untouched.
 */
@Injectable()
export class ConsumerIdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyInterceptor) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return context.getType() === 'rpc' ? this.idempotency.intercept(context, next) : next.handle();
  }
}
