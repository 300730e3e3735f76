import { IDEMPOTENCY_ERROR_CODES } from './idempotency.error-codes';
import {
  IdempotencyError,
  IdempotencyFingerprintMismatchError,
  IdempotencyInFlightError,
  IdempotencyKeyMissingError,
  IdempotencyStoreUnavailableError,
} from './idempotency.errors';

describe(IdempotencyError.name, () => {
  const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');

  it.each<[IdempotencyError, string, boolean, number | undefined]>([
    [
      new IdempotencyStoreUnavailableError('claim', 'connection', { cause }),
      'IDEMPOTENCY_STORE_UNAVAILABLE',
      true,
      undefined,
    ],
    [new IdempotencyInFlightError('webhook', 'msg_1'), 'IDEMPOTENCY_IN_FLIGHT', true, 409],
    [new IdempotencyFingerprintMismatchError('webhook', 'msg_1'), 'IDEMPOTENCY_FINGERPRINT_MISMATCH', false, 422],
    [new IdempotencyKeyMissingError('opal-diagnostics'), 'IDEMPOTENCY_KEY_MISSING', false, 400],
  ])('should give %s the code %s, retriable %s and HTTP status %s', (error, code, retriable, statusCode) => {
    expect(error).toBeInstanceOf(IdempotencyError);
    expect(error.name).toBe(error.constructor.name);
    expect(IDEMPOTENCY_ERROR_CODES).toContain(error.code);
    expect(error.code).toBe(code);
    expect(error.retriable).toBe(retriable);
    expect((error as { statusCode?: number }).statusCode).toBe(statusCode);
  });

  it('should say which operation failed, why, and keep the cause', () => {
    const error = new IdempotencyStoreUnavailableError('claim', 'connection', { cause });

    expect(error.message).toBe(
      'Idempotency store unavailable (claim, connection): connect ECONNREFUSED 127.0.0.1:6379',
    );
    expect(error.cause).toBe(cause);
  });
});
