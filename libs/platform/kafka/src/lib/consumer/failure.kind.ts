import { failureTraitsOf, type Dependency } from '@opal/platform-errors';

/**
 * What to do about a failed record:
 * - `dependency`: a downstream is down; pause and try the same record again later (no DLQ, no commit);
 * - `in-flight`: another consumer holds the record's claim; wait for it without spending attempts;
 * - `permanent`: retrying cannot help; dead-letter at once;
 * - `transient`: retry with backoff, dead-letter after the last attempt.
 */
export type FailureKind =
  | { kind: 'dependency'; dependency: Dependency }
  | { kind: 'in-flight' }
  | { kind: 'permanent' }
  | { kind: 'transient' };

/** The failure kind of whatever a record's processing threw, from the traits the error declares. */
export function failureKindOf(error: unknown): FailureKind {
  const { retriable, dependency, waitsForOwner } = failureTraitsOf(error);
  if (dependency) return { kind: 'dependency', dependency };
  if (waitsForOwner) return { kind: 'in-flight' };
  return retriable ? { kind: 'transient' } : { kind: 'permanent' };
}
