import type { Dependency } from './dependency';

/**
 * What an error says about itself at its throw site, so that no central table has to know every
 * library's classes (the way Nest's `KafkaRetriableException` declares retriability). Read with
 * `failureTraitsOf`, which reads the fields, not the class: a copy of a lib bundled twice still counts.
 */
export interface OpalErrorTraits {
  /** The stable, cross-process identity; it travels in logs, problem+json bodies and DLQ headers. */
  readonly code: string;
  /** Whether the same work can succeed later; `false` sends a record to the dead-letter topic at once. */
  readonly retriable: boolean;
  /** The downstream this failure shows is down: the consumer pauses instead of spending attempts. */
  readonly dependency?: Dependency;
  /** Another worker owns the work: wait for it to finish without spending attempts. */
  readonly waitsForOwner?: boolean;
}
