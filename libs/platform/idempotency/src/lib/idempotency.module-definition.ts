import { ConfigurableModuleBuilder } from '@nestjs/common';
import { IDEMPOTENCY_OPTIONS } from './idempotency.constants';
import type { IdempotencyModuleOptions } from './idempotency.module-options';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<IdempotencyModuleOptions>({ optionsInjectionToken: IDEMPOTENCY_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({ ...definition, global: isGlobal }))
    .build();
