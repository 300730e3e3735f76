import { ConfigurableModuleBuilder } from '@nestjs/common';
import { EVENT_PRODUCER_OPTIONS } from '../kafka.constants';
import type { EventProducerOptions } from './event-producer.types';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<EventProducerOptions>({
    optionsInjectionToken: EVENT_PRODUCER_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({ ...definition, global: isGlobal }))
    .build();
