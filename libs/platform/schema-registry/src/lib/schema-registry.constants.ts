/** DI token under which `SchemaRegistryModule` provides the client options. */
export const SCHEMA_REGISTRY_OPTIONS = 'SCHEMA_REGISTRY:OPTIONS';

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** Confluent's versioned media type; Confluent and Apicurio's ccompat API both accept it. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export const REGISTRY_CLIENT_ID = 'opal-schema-registry';

/** Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian int. */
export const WIRE_MAGIC_BYTE = 0;
export const WIRE_HEADER_LENGTH = 5;
