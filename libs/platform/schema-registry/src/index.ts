export { SchemaRegistryClient } from './lib/schema-registry.client';
export { SchemaRegistryModule } from './lib/schema-registry.module';
export { SCHEMA_REGISTRY_OPTIONS, DEFAULT_REQUEST_TIMEOUT_MS } from './lib/schema-registry.constants';
export { validatePayload } from './lib/payload-validator';
export type { CodecSchema } from './lib/payload-validator';
export { SCHEMA_REGISTRY_ERROR_CODES } from './lib/schema-registry.error-codes';
export type { SchemaRegistryErrorCode } from './lib/schema-registry.error-codes';
export {
  InvalidSchemaError,
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from './lib/schema-registry.errors';
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
} from './lib/schema-registry.types';
