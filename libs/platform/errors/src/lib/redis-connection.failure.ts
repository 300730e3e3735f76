import type { OpalErrorTraits } from './error.traits';
import type { FailureErrorCode } from './failure.error-codes';

// Raised by ioredis itself or by Node's socket under it, for handlers that talk to Redis directly.
const CONNECTION_FAILURE_MESSAGE =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue options is false|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Command timed out|Reached the max retries per request limit/;

const REDIS_CONNECTION_FAILED: OpalErrorTraits & { code: FailureErrorCode } = Object.freeze({
  code: 'REDIS_CONNECTION_FAILED',
  retriable: true,
  dependency: 'redis',
});

/**
 * The traits of an ioredis connection failure, or `undefined` for any other error. ioredis errors
 * carry no traits and are not ours to change, so this is the one place that recognises a foreign
 * library's errors: by class name (`MaxRetriesPerRequestError`) and by message.
 */
export function redisConnectionFailure(error: unknown): OpalErrorTraits | undefined {
  if (!(error instanceof Error)) return undefined;
  const failed = error.name === 'MaxRetriesPerRequestError' || CONNECTION_FAILURE_MESSAGE.test(error.message);
  return failed ? REDIS_CONNECTION_FAILED : undefined;
}
