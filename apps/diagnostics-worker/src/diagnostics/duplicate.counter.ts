import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EVENT_TYPES, topicOf, type EventType } from '@opal/contracts';
import { OpalKafkaServer } from '@opal/platform-kafka';
import { DiagnosticsService } from './diagnostics.service';

const EVENT_TYPE_BY_TOPIC = new Map<string, EventType>(EVENT_TYPES.map((type) => [topicOf(type), type]));

/** Feeds the summary's `duplicatesSkipped`: the consumer recognises duplicates before any handler runs. */
@Injectable()
export class DuplicateCounter implements OnModuleInit {
  private readonly logger = new Logger(DuplicateCounter.name);

  constructor(
    private readonly consumer: OpalKafkaServer,
    private readonly diagnostics: DiagnosticsService,
  ) {}

  onModuleInit(): void {
    this.consumer.addOutcomeListener((topic, outcome) => {
      const eventType = EVENT_TYPE_BY_TOPIC.get(topic);
      if (outcome !== 'duplicate' || !eventType) return;
      this.diagnostics.recordDuplicate(eventType).catch((error: unknown) => {
        this.logger.warn({ err: error, topic }, 'could not count a skipped duplicate');
      });
    });
  }
}
