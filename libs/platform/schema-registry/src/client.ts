// `@opal/platform-schema-registry/client`: the registry client without the Nest module, for code
// that runs outside a Nest app (the client SDK).
export { SchemaRegistryClient } from './lib/schema-registry.client';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './lib/schema-registry.constants';
export { validatePayload } from './lib/payload-validator';
export type { CodecSchema } from './lib/payload-validator';
export { SCHEMA_REGISTRY_ERROR_CODES } from './lib/schema-registry.error-codes';
export type { SchemaRegistryErrorCode } from './lib/schema-registry.error-codes';
// Every error class the client throws (the module exports nothing else).
export * from './lib/schema-registry.errors';
export type {
  CompatibilityLevel,
  CompatibilityResult,
  DecodedMessage,
  DecodeResult,
  PayloadFieldError,
  RegisteredSchema,
  SchemaDefinition,
  SchemaRegistryClientOptions,
  SchemaType,
  SubjectDescription,
} from './lib/schema-registry.types';
