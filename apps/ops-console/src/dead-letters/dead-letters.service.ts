import { Injectable, Logger } from '@nestjs/common';
import type { DeadLetterListing, PreparedReplay, RecordLocation, ReplayedRecord, ReplayRequest, ShownDeadLetter } from '@opal/platform-dlq';
import { ConsoleInputError } from '../console.errors';
import { ConsumerGroupsService } from '../kafka/consumer-groups.service';
import { KafkaSession } from '../kafka/kafka.session';
import type { ReplayProgress } from '../views/dead-letters.view';

const LOCATION = /^(.+):(\d+):(\d+)$/;

/** The dead-letter operations of `@opal/platform-dlq` (the same the `dlq` CLI runs), plus replay progress. */
@Injectable()
export class DeadLettersService {
  private readonly logger = new Logger(DeadLettersService.name);

  constructor(
    private readonly kafka: KafkaSession,
    private readonly groups: ConsumerGroupsService,
  ) {}

  async dlqTopics(): Promise<string[]> {
    const { reader } = await this.kafka.get();
    return reader.dlqTopics();
  }

  async list(query: { topic?: string; group?: string }): Promise<DeadLetterListing> {
    return (await this.kafka.get()).deadLetters.list(query);
  }

  async show(location: RecordLocation): Promise<ShownDeadLetter> {
    return (await this.kafka.get()).deadLetters.show(location);
  }

  async prepare(request: ReplayRequest): Promise<PreparedReplay> {
    return (await this.kafka.get()).deadLetters.prepareReplay(request);
  }

  /** Prepares again from what Kafka holds now (the confirmation page may be old), then writes. */
  async replay(request: ReplayRequest): Promise<ReplayedRecord[]> {
    const { deadLetters } = await this.kafka.get();
    const prepared = await deadLetters.prepareReplay(request);
    const replayed = await deadLetters.replay(prepared);
    // Ids and places only: keys and payloads may be personal data.
    this.logger.log(
      `replayed ${replayed.length} record(s) of ${prepared.dlqTopic} to group ${request.group}: ` +
        replayed.map((entry) => `${entry.item.message.topic}:${entry.partition}@${entry.offset}`).join(', '),
    );
    return replayed;
  }

  /** Whether `group` has committed past each replayed record, i.e. processed (or skipped) it. */
  async progress(group: string, at: readonly string[]): Promise<ReplayProgress[]> {
    return Promise.all(
      at.map(async (text) => {
        const match = LOCATION.exec(text);
        if (!match) throw new ConsoleInputError(`"${text}" is not <topic>:<partition>:<offset>`);
        const [, topic, partition, offset] = match as unknown as [string, string, string, string];
        const committed = await this.groups.committedOffset(group, topic, Number(partition));
        return { topic, partition: Number(partition), offset, committed, processed: committed !== null && BigInt(committed) > BigInt(offset) };
      }),
    );
  }
}
