import { ConfigurableModuleBuilder } from '@nestjs/common';
import { SCHEMA_REGISTRY_OPTIONS } from './schema-registry.constants';
import type { SchemaRegistryClientOptions } from './schema-registry.types';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<SchemaRegistryClientOptions>({ optionsInjectionToken: SCHEMA_REGISTRY_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({ ...definition, global: isGlobal }))
    .build();
