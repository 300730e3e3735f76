import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { IDEMPOTENT_METADATA } from '../idempotency.constants';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyInterceptorOptions } from './idempotency-interceptor.options';

/**
 * Makes one handler idempotent: applies `IdempotencyInterceptor` with these options over the
 * module's `interceptor` defaults. Method-only, so the interceptor never runs twice for one call.
 *
 * ```ts
 * @EventPattern('opal.agent.completed')
 * @Idempotent({ scope: 'opal-diagnostics' })
 * onAgentCompleted(@Payload() event: AgentCompleted) { … }
 * ```
 */
export function Idempotent(options: Partial<IdempotencyInterceptorOptions> = {}): MethodDecorator {
  return applyDecorators(SetMetadata(IDEMPOTENT_METADATA, options), UseInterceptors(IdempotencyInterceptor));
}
