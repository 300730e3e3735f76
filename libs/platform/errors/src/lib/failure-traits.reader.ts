import { isDependency } from './dependency';
import type { OpalErrorTraits } from './error.traits';
import type { FailureErrorCode } from './failure.error-codes';
import { redisConnectionFailure } from './redis-connection.failure';

// Unknown errors are retried: a bug or an unforeseen hiccup gets its attempts before the DLQ.
const UNCLASSIFIED: OpalErrorTraits & { code: FailureErrorCode } = Object.freeze({
  code: 'UNCLASSIFIED',
  retriable: true,
});

/**
 * The traits `error` declares (a string `code` and a boolean `retriable`, read structurally), else
 * those of an ioredis connection failure, else the safe default: retriable, no dependency,
 * code `UNCLASSIFIED`. A `dependency` this package does not know is dropped.
 */
export function failureTraitsOf(error: unknown): OpalErrorTraits {
  return declaredTraits(error) ?? redisConnectionFailure(error) ?? UNCLASSIFIED;
}

function declaredTraits(error: unknown): OpalErrorTraits | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, retriable, dependency, waitsForOwner } = error as Record<keyof OpalErrorTraits, unknown>;
  if (typeof code !== 'string' || typeof retriable !== 'boolean') return undefined;
  return {
    code,
    retriable,
    ...(isDependency(dependency) ? { dependency } : {}),
    ...(waitsForOwner === true ? { waitsForOwner } : {}),
  };
}
