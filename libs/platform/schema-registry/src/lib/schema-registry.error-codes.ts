/**
 * Every code a schema-registry error can carry. Codes are stable strings: they travel in DLQ
 * headers, logs and problem+json bodies, so consumers switch on them, not on class names.
 */
export const SCHEMA_REGISTRY_ERROR_CODES = [
  'SCHEMA_REGISTRY_UNAVAILABLE',
  'SCHEMA_REGISTRY_REQUEST_FAILED',
  'SCHEMA_INVALID',
  'SCHEMA_INCOMPATIBLE',
  'SCHEMA_UNKNOWN',
  'PAYLOAD_INVALID',
  'MESSAGE_UNDECODABLE',
] as const;

/** One of `SCHEMA_REGISTRY_ERROR_CODES`. */
export type SchemaRegistryErrorCode = (typeof SCHEMA_REGISTRY_ERROR_CODES)[number];
