import type { SchemaRegistryConnectionConfig } from '@opal/platform-config';

/** Where the registry is (its Confluent-compatible base URL), how to authenticate, how long to wait. */
export interface SchemaRegistryClientOptions extends SchemaRegistryConnectionConfig {
  /** Deadline of every registry request in ms (default 5000); a slower registry counts as unavailable. */
  requestTimeoutMs?: number;
}

/** Schema formats this client registers, validates and (de)serializes. */
export type SchemaType = 'AVRO' | 'PROTOBUF';

/** A schema as the registry stores it: its format and its source text (Avro JSON or a .proto file). */
export interface SchemaDefinition {
  schemaType: SchemaType;
  schema: string;
}

/** Confluent compatibility levels, set per subject. */
export type CompatibilityLevel =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

/** Outcome of `ensureSubject`: the schema's global id, its version under the subject, and whether this call added it. */
export interface RegisteredSchema {
  id: number;
  version: number;
  created: boolean;
}

/** Outcome of `checkCompatibility`; `messages` carries the registry's reasons where it gives any. */
export interface CompatibilityResult {
  compatible: boolean;
  messages: string[];
}

/** A decoded Confluent-framed message: the writer's schema id and the value. */
export interface DecodedMessage<T = unknown> {
  schemaId: number;
  value: T;
}

/** One message of `decodeBatch`: its value, or the error `decode` would have thrown for it. */
export type DecodeResult<T = unknown> = { decoded: DecodedMessage<T>; error?: undefined } | { error: Error; decoded?: undefined };

/** One reason a payload does not match its schema, e.g. `{ path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' }`. */
export interface PayloadFieldError {
  path: string;
  message: string;
}

/** A subject as the registry describes it. */
export interface SubjectDescription {
  subject: string;
  versions: number[];
  /** The schema id of the latest version; null if the subject vanished while being read. */
  latestId: number | null;
  /** The subject's own level, or the global one when it sets none. */
  compatibility: string;
}
