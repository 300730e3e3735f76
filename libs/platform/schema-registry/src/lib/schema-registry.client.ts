import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { readSchemaId, withFirstMessageIndex, withoutFirstMessageIndex } from './confluent-wire-format';
import { validatePayload, type CodecSchema } from './payload-validator';
import { DEFAULT_REQUEST_TIMEOUT_MS, REGISTRY_CLIENT_ID, WIRE_HEADER_LENGTH } from './schema-registry.constants';
import {
  InvalidSchemaError,
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from './schema-registry.errors';
import { SchemaRegistryRestApi } from './schema-registry.rest-api';
import type {
  CompatibilityLevel,
  CompatibilityResult,
  DecodedMessage,
  DecodeResult,
  RegisteredSchema,
  SchemaDefinition,
  SchemaRegistryClientOptions,
  SubjectDescription,
} from './schema-registry.types';

type CodecMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

/** The codec's HTTP client (mappersmith) has no default deadline; this gives it ours. */
const requestTimeout =
  (timeoutMs: number): CodecMiddleware =>
  () => ({
    async prepareRequest(next) {
      return (await next()).enhance({ timeout: timeoutMs });
    },
  });

/**
 * A Confluent Schema Registry client: registers schemas under subjects with a compatibility
 * level, validates payloads against them, and (de)serializes the Confluent wire format (Avro or
 * Protobuf). Speaks only the Confluent REST API, so it runs against Confluent Schema Registry and
 * Apicurio's ccompat API alike. Construction does no I/O; schema ids are cached forever (they are
 * immutable), a subject's latest id until `ensureSubject` changes that subject.
 *
 * Failures are typed `SchemaRegistryError`s with a stable `code`: network trouble is always
 * `SchemaRegistryUnavailableError`, bad input never is.
 */
export class SchemaRegistryClient {
  private readonly api: SchemaRegistryRestApi;
  private readonly codec: SchemaRegistry;
  private readonly latestIds = new Map<string, Promise<number>>();

  constructor(options: SchemaRegistryClientOptions) {
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.api = new SchemaRegistryRestApi({ url: options.url, auth: options.auth, requestTimeoutMs });
    this.codec = new SchemaRegistry({
      host: options.url.replace(/\/+$/, ''),
      auth: options.auth,
      clientId: REGISTRY_CLIENT_ID,
      // Callers own retries (503 + Retry-After, consumer backoff). The codec merges this into a module-wide default.
      retry: { retries: 0 },
      middlewares: [requestTimeout(requestTimeoutMs)],
    });
  }

  /**
   * Makes `definition` a version of `subject`: sets the subject's compatibility level first (so
   * even the first version is guarded), then registers. Idempotent: an already registered schema
   * returns its id and version with `created: false`.
   *
   * @throws SchemaIncompatibleError when the registry refuses the schema under `compatibility`.
   * @throws InvalidSchemaError when the registry cannot parse the schema.
   * @throws SchemaRegistryUnavailableError on network failure, timeout or a 5xx.
   */
  async ensureSubject(
    subject: string,
    definition: SchemaDefinition,
    compatibility: CompatibilityLevel = 'BACKWARD',
  ): Promise<RegisteredSchema> {
    await this.api.setCompatibility(subject, compatibility);
    const existing = await this.api.lookupSchema(subject, definition);
    if (existing) {
      return { id: existing.id, version: existing.version, created: false };
    }

    let id: number;
    try {
      ({ id } = await this.api.registerSchema(subject, definition));
    } catch (error) {
      throw await this.explainRejection(subject, definition, compatibility, error);
    }
    this.latestIds.delete(subject);

    const registered = await this.api.lookupSchema(subject, definition);
    if (!registered) {
      throw new SchemaRegistryRequestError(`Schema ${id} was registered under "${subject}" but cannot be looked up`, {
        status: 404,
        registryMessage: 'registered schema not found by lookup',
      });
    }
    return { id, version: registered.version, created: true };
  }

  /**
   * Whether `definition` could be registered as the next version of `subject` under the
   * subject's current compatibility level. A subject that does not exist yet accepts anything.
   * `messages` holds the registry's reasons when it gives them (`?verbose=true`).
   */
  async checkCompatibility(subject: string, definition: SchemaDefinition): Promise<CompatibilityResult> {
    let answer: Awaited<ReturnType<SchemaRegistryRestApi['testCompatibility']>>;
    try {
      answer = await this.api.testCompatibility(subject, definition);
    } catch (error) {
      throw asInvalidSchema(subject, error);
    }
    if (!answer) {
      return { compatible: true, messages: [] };
    }
    const messages = (answer.messages ?? []).map((m) => (typeof m === 'string' ? m : JSON.stringify(m)));
    return { compatible: answer.is_compatible, messages };
  }

  /**
   * The id of the latest schema registered under `subject`; cached until `ensureSubject`
   * registers a new version of that subject through this client.
   *
   * @throws UnknownSchemaError when nothing is registered under `subject`.
   */
  getLatestSchemaId(subject: string): Promise<number> {
    const cached = this.latestIds.get(subject);
    if (cached) {
      return cached;
    }
    const pending = this.api.getLatestVersion(subject).then((latest) => {
      if (!latest) {
        throw UnknownSchemaError.forSubject(subject);
      }
      return latest.id;
    });
    this.latestIds.set(subject, pending);
    pending.catch(() => {
      if (this.latestIds.get(subject) === pending) {
        this.latestIds.delete(subject);
      }
    });
    return pending;
  }

  /**
   * Validates `payload` against the latest schema of `subject`, then encodes it in the Confluent
   * wire format (magic byte 0, 4-byte schema id, body).
   *
   * @throws PayloadValidationError naming every offending field; nothing is encoded.
   * @throws UnknownSchemaError when nothing is registered under `subject`.
   */
  async encode(subject: string, payload: unknown): Promise<Buffer> {
    return this.encodeAs(await this.getLatestSchemaId(subject), payload, subject);
  }

  /** Like `encode`, with an explicit schema id. */
  async encodeWithId(schemaId: number, payload: unknown): Promise<Buffer> {
    return this.encodeAs(schemaId, payload);
  }

  /**
   * Decodes a Confluent-framed message with the writer's schema (fetched once per id).
   *
   * @throws UndecodableMessageError when the bytes are not a readable Confluent frame: dead-letter.
   * @throws UnknownSchemaError when the frame names a schema id the registry does not know: dead-letter.
   * @throws SchemaRegistryUnavailableError when the schema cannot be fetched now: retry.
   */
  async decode<T = unknown>(message: Buffer): Promise<DecodedMessage<T>> {
    const schemaId = readSchemaId(message);
    let schema: CodecSchema;
    try {
      schema = await this.loadSchema(schemaId);
    } catch (error) {
      throw error instanceof InvalidSchemaError
        ? new UndecodableMessageError(error.message, schemaId, { cause: error })
        : error;
    }
    try {
      const framed = Type.isType(schema) ? message : withoutFirstMessageIndex(message);
      return { schemaId, value: (await this.codec.decode(framed)) as T };
    } catch (error) {
      throw new UndecodableMessageError(`body does not match schema ${schemaId}: ${errorMessage(error)}`, schemaId, {
        cause: error,
      });
    }
  }

  /**
   * Decodes a fetched batch at once: each distinct schema id is loaded once, then every Avro body
   * is read synchronously (a consumer profile showed the per-record async decode layers and their
   * promises among its top costs). Never rejects: each message gets its value or the error
   * `decode` would have thrown for it, so one bad record does not fail its batch.
   */
  async decodeBatch<T = unknown>(messages: readonly Buffer[]): Promise<Array<DecodeResult<T>>> {
    const schemas = new Map<number, Promise<CodecSchema | Error>>();
    const ids = messages.map((message) => {
      try {
        const schemaId = readSchemaId(message);
        if (!schemas.has(schemaId)) {
          schemas.set(
            schemaId,
            this.loadSchema(schemaId).catch((error: unknown) =>
              error instanceof InvalidSchemaError ? new UndecodableMessageError(error.message, schemaId, { cause: error }) : asError(error),
            ),
          );
        }
        return schemaId;
      } catch (error) {
        return asError(error);
      }
    });
    const loaded = new Map<number, CodecSchema | Error>();
    for (const [schemaId, schema] of schemas) loaded.set(schemaId, await schema);
    const results: Array<DecodeResult<T> | Promise<DecodeResult<T>>> = messages.map((message, index) => {
      const schemaId = ids[index] as number | Error;
      if (schemaId instanceof Error) return { error: schemaId };
      const schema = loaded.get(schemaId) as CodecSchema | Error;
      if (schema instanceof Error) return { error: schema };
      if (!Type.isType(schema))
        return this.decode<T>(message).then(
          (decoded) => ({ decoded }),
          (error: unknown) => ({ error: asError(error) }),
        );
      try {
        return { decoded: { schemaId, value: schema.fromBuffer(message.subarray(WIRE_HEADER_LENGTH)) as T } };
      } catch (error) {
        return {
          error: new UndecodableMessageError(`body does not match schema ${schemaId}: ${errorMessage(error)}`, schemaId, {
            cause: error,
          }),
        };
      }
    });
    // Only bodies of other schema types (JSON, Protobuf) wait for a codec; Avro ones are values already.
    return results.some((result) => result instanceof Promise) ? Promise.all(results) : (results as Array<DecodeResult<T>>);
  }

  /** Every subject with its versions, latest schema id and compatibility level, by subject name: what an operator looks at. */
  async describeSubjects(): Promise<SubjectDescription[]> {
    const subjects = (await this.api.listSubjects()).sort();
    return Promise.all(
      subjects.map(async (subject) => {
        const [versions, latest, compatibility] = await Promise.all([
          this.api.listVersions(subject),
          this.api.getLatestVersion(subject),
          this.api.getCompatibility(subject),
        ]);
        return { subject, versions, latestId: latest?.id ?? null, compatibility };
      }),
    );
  }

  /** Resolves when the registry answers (its global config); for readiness checks. */
  async ping(): Promise<void> {
    await this.api.getGlobalConfig();
  }

  private async encodeAs(schemaId: number, payload: unknown, subject?: string): Promise<Buffer> {
    const schema = await this.loadSchema(schemaId);
    const errors = validatePayload(schema, payload);
    if (errors.length > 0) {
      throw new PayloadValidationError(errors, schemaId, subject);
    }
    let framed: Buffer;
    try {
      framed = await this.codec.encode(schemaId, payload);
    } catch (error) {
      throw new PayloadValidationError([{ path: '', message: errorMessage(error) }], schemaId, subject, {
        cause: error,
      });
    }
    return Type.isType(schema) ? framed : withFirstMessageIndex(framed);
  }

  private async loadSchema(schemaId: number): Promise<CodecSchema> {
    try {
      return await this.codec.getSchema(schemaId);
    } catch (error) {
      throw fromCodecError(error, schemaId);
    }
  }

  private async explainRejection(
    subject: string,
    definition: SchemaDefinition,
    compatibility: CompatibilityLevel,
    error: unknown,
  ): Promise<unknown> {
    if (!(error instanceof SchemaRegistryRequestError) || error.status !== 409) {
      return asInvalidSchema(subject, error);
    }
    // Registration answers with one summary line; the verbose compatibility test may list every reason.
    const verbose = await this.checkCompatibility(subject, definition).catch(() => undefined);
    const messages = verbose?.messages.length ? verbose.messages : [error.registryMessage];
    return new SchemaIncompatibleError(subject, compatibility, messages);
  }
}

/** Confluent answers 422 (error_code 42201) to a schema it cannot parse. */
function asInvalidSchema(subject: string, error: unknown): unknown {
  return error instanceof SchemaRegistryRequestError && error.status === 422
    ? new InvalidSchemaError(subject, error.registryMessage, { cause: error })
    : error;
}

/**
 * The codec's HTTP client turns network failures and timeouts into status 400 responses; on
 * `GET /schemas/ids/{id}` a genuine 400 does not occur, so only 404 and auth failures are final.
 */
function fromCodecError(error: unknown, schemaId: number): SchemaRegistryError {
  if (error instanceof SchemaRegistryError) {
    return error;
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== 'number') {
    return new InvalidSchemaError(undefined, `schema ${schemaId} cannot be loaded: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (status === 404) {
    return UnknownSchemaError.forId(schemaId);
  }
  if (status === 401 || status === 403) {
    return new SchemaRegistryRequestError(`Schema Registry refused GET /schemas/ids/${schemaId} (HTTP ${status})`, {
      status,
      registryMessage: codecFailureReason(error),
    });
  }
  return new SchemaRegistryUnavailableError(
    `Schema Registry unavailable: GET /schemas/ids/${schemaId} failed: ${codecFailureReason(error)}`,
    { cause: error, status: status === 400 ? undefined : status },
  );
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** mappersmith words a socket error as "<client id> - Error, status 400: connect ECONNREFUSED …". */
function codecFailureReason(error: unknown): string {
  return errorMessage(error)
    .replace(`${REGISTRY_CLIENT_ID} - `, '')
    .replace(/^Error, status \d+: /, '');
}
