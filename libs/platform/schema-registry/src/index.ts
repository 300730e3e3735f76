// The client, shared with the Nest-free `client` entry.
export * from './client';
export { SchemaRegistryModule } from './lib/schema-registry.module';
export { SCHEMA_REGISTRY_OPTIONS } from './lib/schema-registry.constants';
