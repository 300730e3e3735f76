/**
 * The envelope version every producer stamps on events (`schema_version`). Bump it with the
 * schemas' semantic version when the .avsc files change in a way consumers should notice.
 */
export const SCHEMA_VERSION = '1.0.0';

/** The deployment environments an event may come from (the Avro `Environment` enum). */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

/** The envelope fields every event starts with; producers fill them, never the event's sender. */
export const ENVELOPE_FIELDS = ['schema_version', 'event_id', 'correlation_id', 'timestamp', 'source_system', 'environment'] as const;

/**
 * The envelope's `source_system` when the producer is not told otherwise: the gateway's
 * `SOURCE_SYSTEM` default and the client SDK's.
 */
export const DEFAULT_SOURCE_SYSTEM = 'opal';
