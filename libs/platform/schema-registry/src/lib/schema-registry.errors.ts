import type { OpalErrorTraits } from '@opal/platform-errors';
import type { SchemaRegistryErrorCode } from './schema-registry.error-codes';
import type { CompatibilityLevel, PayloadFieldError } from './schema-registry.types';

/** Base of every error this library throws; `code` is the stable, cross-process identity. */
export abstract class SchemaRegistryError extends Error implements OpalErrorTraits {
  abstract readonly code: SchemaRegistryErrorCode;
  /** Whether the same call can succeed later (a consumer retries it) or never will (dead-letter at once). */
  abstract readonly retriable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The registry could not be reached, timed out or answered 5xx/408/429: retry later (HTTP callers answer 503). */
export class SchemaRegistryUnavailableError extends SchemaRegistryError {
  readonly code = 'SCHEMA_REGISTRY_UNAVAILABLE';
  readonly retriable = true;
  readonly dependency = 'schema-registry';
  /** HTTP status when the registry answered at all. */
  readonly status?: number;

  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** The registry refused a request for a reason retrying will not fix (bad credentials, unexpected 4xx). */
export class SchemaRegistryRequestError extends SchemaRegistryError {
  readonly code = 'SCHEMA_REGISTRY_REQUEST_FAILED';
  // Bad credentials are fixed by an operator, not by the record: retrying gives that a chance before the DLQ.
  readonly retriable = true;
  /** HTTP status of the registry's answer. */
  readonly status: number;
  /** The registry's own `error_code` (e.g. 40401, 42201), when it sent one. */
  readonly registryErrorCode?: number;
  /** The registry's own explanation, without Java exception prefixes. */
  readonly registryMessage: string;

  constructor(message: string, details: { status: number; registryErrorCode?: number; registryMessage: string }) {
    super(message);
    this.status = details.status;
    this.registryErrorCode = details.registryErrorCode;
    this.registryMessage = details.registryMessage;
  }
}

/** The registry (or the local parser) rejected the schema text itself. */
export class InvalidSchemaError extends SchemaRegistryError {
  readonly code = 'SCHEMA_INVALID';
  // Thrown when a schema is registered, not for a record: a consumer that meets one retries, as for any unforeseen failure.
  readonly retriable = true;

  constructor(
    readonly subject: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(subject ? `Schema for subject "${subject}" is invalid: ${reason}` : `Schema is invalid: ${reason}`, options);
  }
}

/** A new schema version breaks the subject's compatibility level; `messages` are the registry's reasons. */
export class SchemaIncompatibleError extends SchemaRegistryError {
  readonly code = 'SCHEMA_INCOMPATIBLE';
  // As for SCHEMA_INVALID: thrown when a schema is registered, not for a record.
  readonly retriable = true;

  constructor(
    readonly subject: string,
    readonly compatibility: CompatibilityLevel,
    readonly messages: readonly string[],
  ) {
    super(
      `Schema for subject "${subject}" is not ${compatibility} compatible with its registered versions` +
        (messages.length ? `: ${messages.join('; ')}` : ''),
    );
  }
}

/** No schema with this id, or no schema under this subject: a consumer dead-letters the record at once. */
export class UnknownSchemaError extends SchemaRegistryError {
  readonly code = 'SCHEMA_UNKNOWN';
  readonly retriable = false;

  private constructor(
    message: string,
    readonly schemaId?: number,
    readonly subject?: string,
  ) {
    super(message);
  }

  /** No schema is registered with this global id. */
  static forId(schemaId: number): UnknownSchemaError {
    return new UnknownSchemaError(`Schema id ${schemaId} is not registered`, schemaId, undefined);
  }

  /** No schema is registered under this subject. */
  static forSubject(subject: string): UnknownSchemaError {
    return new UnknownSchemaError(`No schema is registered under subject "${subject}"`, undefined, subject);
  }
}

/** A payload does not match its schema; `errors` name every offending field path. Nothing was encoded. */
export class PayloadValidationError extends SchemaRegistryError {
  readonly code = 'PAYLOAD_INVALID';
  readonly retriable = false;

  constructor(
    readonly errors: readonly PayloadFieldError[],
    readonly schemaId: number,
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    const target = subject ? `schema ${schemaId} of subject "${subject}"` : `schema ${schemaId}`;
    const details = errors.map(({ path, message }) => `${path || '(root)'}: ${message}`).join('; ');
    super(`Payload does not match ${target}: ${details}`, options);
  }
}

/** Bytes that are not a Confluent-framed message of a readable schema: dead-letter, never retry. */
export class UndecodableMessageError extends SchemaRegistryError {
  readonly code = 'MESSAGE_UNDECODABLE';
  readonly retriable = false;

  constructor(
    reason: string,
    /** The schema id from the header, when the header was readable. */
    readonly schemaId?: number,
    options?: { cause?: unknown },
  ) {
    super(`Message cannot be decoded: ${reason}`, options);
  }
}
