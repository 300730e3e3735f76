import { z } from 'zod';
import { REGISTRY_CONTENT_TYPE } from './schema-registry.constants';
import { SchemaRegistryRequestError, SchemaRegistryUnavailableError } from './schema-registry.errors';
import type { CompatibilityLevel, SchemaDefinition } from './schema-registry.types';

export interface RestApiOptions {
  url: string;
  auth?: { username: string; password: string };
  requestTimeoutMs: number;
}

const subjectVersion = z.object({ subject: z.string(), id: z.number().int(), version: z.number().int() });
export type SubjectVersion = z.infer<typeof subjectVersion>;

const registeredId = z.object({ id: z.number().int() });

const compatibilityAnswer = z.object({
  is_compatible: z.boolean(),
  messages: z.array(z.unknown()).optional(),
});
export type CompatibilityAnswer = z.infer<typeof compatibilityAnswer>;

const subjectNames = z.array(z.string());
const versionNumbers = z.array(z.number().int());
const compatibilityConfig = z.object({ compatibilityLevel: z.string() });

const registryErrorBody = z.object({ error_code: z.number().optional(), message: z.string().optional() });

type HttpMethod = 'GET' | 'POST' | 'PUT';

/** Confluent (and Apicurio) wrap JVM exceptions; the class name is noise to a reader. */
const JAVA_EXCEPTION_PREFIX = /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error):\s*/;

/** HTTP statuses that mean "the registry cannot serve now", as opposed to "the request is wrong". */
const isTransientStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * The Confluent Schema Registry REST calls this library makes itself, over `fetch`: subject
 * config, schema lookup and registration, compatibility tests. Every failure leaves as either
 * `SchemaRegistryUnavailableError` (network, timeout, 5xx) or `SchemaRegistryRequestError`.
 */
export class SchemaRegistryRestApi {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: RestApiOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.headers = { accept: REGISTRY_CONTENT_TYPE, 'content-type': REGISTRY_CONTENT_TYPE };
    if (options.auth) {
      const { username, password } = options.auth;
      this.headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
  }

  async getGlobalConfig(): Promise<void> {
    await this.request('GET', '/config');
  }

  async setCompatibility(subject: string, compatibility: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility });
  }

  async getLatestVersion(subject: string): Promise<SubjectVersion | null> {
    const body = await notFoundAsNull(this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`));
    return body === null ? null : this.parse(subjectVersion, body, 'GET /subjects/{subject}/versions/latest');
  }

  /** The version under `subject` whose schema equals `definition`, or null (unknown subject or schema). */
  async lookupSchema(subject: string, definition: SchemaDefinition): Promise<SubjectVersion | null> {
    const body = await notFoundAsNull(
      this.request('POST', `/subjects/${encodeURIComponent(subject)}`, schemaBody(definition)),
    );
    return body === null ? null : this.parse(subjectVersion, body, 'POST /subjects/{subject}');
  }

  async registerSchema(subject: string, definition: SchemaDefinition): Promise<{ id: number }> {
    const body = await this.request(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      schemaBody(definition),
    );
    return this.parse(registeredId, body, 'POST /subjects/{subject}/versions');
  }

  async listSubjects(): Promise<string[]> {
    return this.parse(subjectNames, await this.request('GET', '/subjects'), 'GET /subjects');
  }

  async listVersions(subject: string): Promise<number[]> {
    const body = await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    return this.parse(versionNumbers, body, 'GET /subjects/{subject}/versions');
  }

  /** The subject's compatibility level, or the global one when the subject sets none. */
  async getCompatibility(subject: string): Promise<string> {
    const body = await this.request('GET', `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`);
    return this.parse(compatibilityConfig, body, 'GET /config/{subject}').compatibilityLevel;
  }

  /** Null when the subject (or its latest version) does not exist. */
  async testCompatibility(subject: string, definition: SchemaDefinition): Promise<CompatibilityAnswer | null> {
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
    const body = await notFoundAsNull(this.request('POST', path, schemaBody(definition)));
    return body === null ? null : this.parse(compatibilityAnswer, body, 'POST /compatibility/subjects/{subject}');
  }

  private async request(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    const operation = `${method} ${path.replace(/\?.*$/, '')}`;
    const { requestTimeoutMs } = this.options;
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: this.headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const reason = isTimeout(error) ? `timed out after ${requestTimeoutMs} ms` : `failed: ${networkReason(error)}`;
      throw new SchemaRegistryUnavailableError(`Schema Registry unavailable: ${operation} ${reason}`, { cause: error });
    }

    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      return json;
    }
    const parsedError = registryErrorBody.safeParse(json);
    const registryErrorCode = parsedError.success ? parsedError.data.error_code : undefined;
    const registryMessage = readableMessage(
      (parsedError.success ? parsedError.data.message : undefined) ?? (text.slice(0, 300) || `HTTP ${status}`),
    );
    if (isTransientStatus(status)) {
      throw new SchemaRegistryUnavailableError(
        `Schema Registry unavailable: ${operation} answered ${status}: ${registryMessage}`,
        { status },
      );
    }
    const code = registryErrorCode === undefined ? '' : `, error_code ${registryErrorCode}`;
    throw new SchemaRegistryRequestError(
      `Schema Registry refused ${operation} (HTTP ${status}${code}): ${registryMessage}`,
      {
        status,
        registryErrorCode,
        registryMessage,
      },
    );
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
    const result = schema.safeParse(body);
    if (!result.success) {
      throw new SchemaRegistryRequestError(`Schema Registry answered ${operation} with an unexpected body`, {
        status: 200,
        registryMessage: String(JSON.stringify(body)).slice(0, 300),
      });
    }
    return result.data;
  }
}

/** Confluent's default schema type is AVRO; omitting it keeps older registries happy. */
function schemaBody({ schemaType, schema }: SchemaDefinition): { schema: string; schemaType?: string } {
  return schemaType === 'AVRO' ? { schema } : { schema, schemaType };
}

async function notFoundAsNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof SchemaRegistryRequestError && error.status === 404) {
      return null;
    }
    throw error;
  }
}

/** Strips the JVM exception class some registries prefix to their messages. */
export function readableMessage(message: string): string {
  return message.replace(JAVA_EXCEPTION_PREFIX, '').trim();
}

function parseJson(text: string): unknown {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Duck-typed: `fetch` errors come from undici's realm, where `instanceof Error` can be false (Jest). */
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

const asErrorLike = (value: unknown): ErrorLike => (typeof value === 'object' && value !== null ? value : {});

function isTimeout(error: unknown): boolean {
  const { name } = asErrorLike(error);
  return name === 'TimeoutError' || name === 'AbortError';
}

/** `fetch` reports "fetch failed" and hides the socket error (ECONNREFUSED …) in `cause`. */
function networkReason(error: unknown): string {
  const { message, cause } = asErrorLike(error);
  const { message: causeMessage, code } = asErrorLike(cause);
  for (const candidate of [causeMessage, code, message]) {
    if (typeof candidate === 'string' && candidate) {
      return candidate;
    }
  }
  return String(error);
}
