import type { Dependency, OpalErrorTraits } from '@opal/platform-errors';

/**
 * Thrown by a handler for a record that can never succeed (a business rule it breaks, data it
 * cannot use): the record goes to the dead-letter topic at once instead of being retried.
 */
export class PermanentProcessingError extends Error implements OpalErrorTraits {
  readonly code = 'PROCESSING_PERMANENT_FAILURE';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A record on a subscribed topic that no `@EventPattern` handles: dead-lettered, never skipped. */
export class NoHandlerError extends Error implements OpalErrorTraits {
  readonly code = 'PROCESSING_NO_HANDLER';
  readonly retriable = false;

  constructor(topic: string) {
    super(`no handler for records of ${topic}`);
    this.name = new.target.name;
  }
}

/** A downstream the consumer needs is unreachable: the consumer pauses instead of failing records. */
export class DependencyUnavailableError extends Error implements OpalErrorTraits {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly retriable = true;

  constructor(
    readonly dependency: Dependency,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = new.target.name;
  }
}
