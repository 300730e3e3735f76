/**
 * The envelope version every producer stamps on events (`schema_version`). Bump it with the
 * schemas' semantic version when the .avsc files change in a way consumers should notice.
 */
export const SCHEMA_VERSION = '1.0.0';

/** The deployment environments an event may come from (the Avro `Environment` enum). */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
