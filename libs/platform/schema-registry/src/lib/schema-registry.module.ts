import { Module } from '@nestjs/common';
import { SchemaRegistryClient } from './schema-registry.client';
import { SCHEMA_REGISTRY_OPTIONS } from './schema-registry.constants';
import { ConfigurableModuleClass } from './schema-registry.module-definition';
import type { SchemaRegistryClientOptions } from './schema-registry.types';

/**
 * Provides one `SchemaRegistryClient`: `SchemaRegistryModule.forRoot({ url, auth })` or
 * `forRootAsync({ inject, useFactory })`; `isGlobal: true` shares it app-wide. The options are
 * also injectable under `SCHEMA_REGISTRY_OPTIONS`. Nothing is fetched at start-up.
 */
@Module({
  providers: [
    {
      provide: SchemaRegistryClient,
      inject: [SCHEMA_REGISTRY_OPTIONS],
      useFactory: (options: SchemaRegistryClientOptions) => new SchemaRegistryClient(options),
    },
  ],
  exports: [SchemaRegistryClient],
})
export class SchemaRegistryModule extends ConfigurableModuleClass {}
