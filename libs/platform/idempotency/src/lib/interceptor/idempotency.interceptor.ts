import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, from, mergeMap, of, throwError, toArray, catchError, type Observable } from 'rxjs';
import {
  IDEMPOTENCY_INTERCEPTOR_OPTIONS,
  IDEMPOTENT_METADATA,
  DEFAULT_DUPLICATE_RESPONSE,
} from '../idempotency.constants';
import {
  IdempotencyFingerprintMismatchError,
  IdempotencyInFlightError,
  IdempotencyKeyMissingError,
  IdempotencyStoreUnavailableError,
} from '../idempotency.errors';
import { IdempotencyStore } from '../idempotency.store';
import type { IdempotencyClaim, IdempotencyStorePort } from '../idempotency.types';
import { contextData, defaultIdempotencyKey } from './idempotency.extractors';
import type { IdempotencyInterceptorOptions } from './idempotency-interceptor.options';

/**
 * Runs a handler at most once per key: claims the key before it, completes the record with its
 * result after it, releases the claim when it throws (and rethrows), and answers a duplicate with
 * `duplicateResponse` without running it. A key held by someone else fails with the retriable
 * `IdempotencyInFlightError`; a known key with another fingerprint with
 * `IdempotencyFingerprintMismatchError`. Works in RPC (Kafka) and HTTP contexts; others pass through.
 *
 * Options: `IdempotencyModule.forRoot({ interceptor })`, overridden per handler by `@Idempotent()`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStorePort,
    @Optional()
    @Inject(IDEMPOTENCY_INTERCEPTOR_OPTIONS)
    private readonly defaults: Partial<IdempotencyInterceptorOptions> | null = null,
    @Optional() private readonly reflector: Reflector = new Reflector(),
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType();
    if (type !== 'rpc' && type !== 'http') return next.handle();
    const options = this.optionsFor(context);
    const data = contextData(context);
    const key = (options.key ?? defaultIdempotencyKey(options.header))(data, context);
    if (!key) {
      if (options.onMissingKey === 'proceed') return next.handle();
      return throwError(() => new IdempotencyKeyMissingError(options.scope));
    }
    const fingerprint = options.fingerprint?.(data, context) ?? '';

    return defer(() => this.store.claim(options.scope, key, { fingerprint, leaseMs: options.leaseMs })).pipe(
      catchError((error: unknown) => {
        if (options.failMode === 'open' && error instanceof IdempotencyStoreUnavailableError) {
          this.logger.warn(
            { err: error, scope: options.scope, key },
            'idempotency store unavailable: running without dedupe',
          );
          return of(null);
        }
        return throwError(() => error);
      }),
      mergeMap((claim: IdempotencyClaim | null) => {
        if (claim === null) return next.handle();
        switch (claim.state) {
          case 'claimed':
            return this.runClaimed(options, key, claim.token, next);
          case 'done':
            if (!claim.sameFingerprint)
              return throwError(() => new IdempotencyFingerprintMismatchError(options.scope, key));
            return of(duplicateResponse(options, claim.result, context));
          case 'in-flight':
            return throwError(() =>
              claim.sameFingerprint
                ? new IdempotencyInFlightError(options.scope, key)
                : new IdempotencyFingerprintMismatchError(options.scope, key),
            );
          default: {
            const unknownClaim: never = claim;
            return throwError(() => new TypeError(`unknown claim ${JSON.stringify(unknownClaim)}`));
          }
        }
      }),
    );
  }

  private runClaimed(
    options: IdempotencyInterceptorOptions,
    key: string,
    token: string,
    next: CallHandler,
  ): Observable<unknown> {
    const { scope } = options;
    return next.handle().pipe(
      toArray(),
      catchError((error: unknown) =>
        from(this.release(scope, key, token)).pipe(mergeMap(() => throwError(() => error))),
      ),
      mergeMap((values) => {
        const last = values[values.length - 1];
        const result = options.result ? options.result(last) : last;
        return from(this.complete(scope, key, token, result, options.ttlSeconds)).pipe(mergeMap(() => from(values)));
      }),
    );
  }

  /** Completion failures are logged, not thrown: the work is done, and failing now would run it again. */
  private async complete(
    scope: string,
    key: string,
    token: string,
    result: unknown,
    ttlSeconds?: number,
  ): Promise<void> {
    try {
      const completed = await this.store.complete(scope, key, token, result, ttlSeconds);
      if (!completed) this.logger.warn({ scope, key }, 'idempotency lease expired before the handler finished');
    } catch (error) {
      this.logger.warn({ err: error, scope, key }, 'could not mark the idempotency record done');
    }
  }

  /** A failed release is logged: the claim then frees itself when its lease expires. */
  private async release(scope: string, key: string, token: string): Promise<void> {
    try {
      await this.store.release(scope, key, token);
    } catch (error) {
      this.logger.warn({ err: error, scope, key }, 'could not release the idempotency claim');
    }
  }

  private optionsFor(context: ExecutionContext): IdempotencyInterceptorOptions {
    const handler = this.reflector.get<Partial<IdempotencyInterceptorOptions> | undefined>(
      IDEMPOTENT_METADATA,
      context.getHandler(),
    );
    const options = { ...this.defaults, ...handler };
    if (typeof options.scope !== 'string' || options.scope.length === 0) {
      throw new TypeError(
        'IdempotencyInterceptor needs a scope: IdempotencyModule.forRoot({ interceptor: { scope } }) or @Idempotent({ scope })',
      );
    }
    return options as IdempotencyInterceptorOptions;
  }
}

function duplicateResponse(
  options: IdempotencyInterceptorOptions,
  stored: unknown,
  context: ExecutionContext,
): unknown {
  const response = options.duplicateResponse === undefined ? DEFAULT_DUPLICATE_RESPONSE : options.duplicateResponse;
  return typeof response === 'function' ? response(stored, context) : response;
}
