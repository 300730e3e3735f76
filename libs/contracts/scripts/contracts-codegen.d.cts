/** One `<event type>.avsc` file, parsed. */
export interface SchemaSource {
  eventType: string;
  schema: { type: string; name: string; namespace?: string; fields: { name: string }[] };
}

export declare const ENVELOPE_FIELDS: readonly string[];
export declare const GENERATED_FILE: string;
export declare const REGENERATE_COMMAND: string;
export declare const SCHEMAS_DIR: string;

export declare function readSchemaSources(dir?: string): SchemaSource[];
export declare function generateContracts(sources: readonly SchemaSource[]): string;
export declare function publishMethodOf(eventType: string): string;
