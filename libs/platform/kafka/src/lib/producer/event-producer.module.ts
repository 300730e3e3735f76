import { Module } from '@nestjs/common';
import { EVENT_PRODUCER_OPTIONS } from '../kafka.constants';
import { ConfigurableModuleClass } from './event-producer.module-definition';
import type { EventProducerOptions } from './event-producer.types';
import { EventProducer } from './event.producer';

/**
 * Provides one `EventProducer`: `EventProducerModule.forRoot({ kafka, ... })` or
 * `forRootAsync({ inject, useFactory })`; `isGlobal: true` shares it app-wide. The options are also
 * injectable under `EVENT_PRODUCER_OPTIONS`. Nothing connects at start-up (the first `send` does);
 * on application shutdown the producer flushes its queue, then disconnects.
 */
@Module({
  providers: [
    {
      provide: EventProducer,
      inject: [EVENT_PRODUCER_OPTIONS],
      useFactory: (options: EventProducerOptions) => new EventProducer(options),
    },
  ],
  exports: [EventProducer],
})
export class EventProducerModule extends ConfigurableModuleClass {}
