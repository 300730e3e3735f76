import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connectDeadLetters } from '@opal/platform-dlq';
import { OPS_CONSOLE, type OpsConsoleConfig } from '../config/ops-console.env';
import { OPS_CONSOLE_CONFIG } from '../ops-console.constants';

export type ConsoleSession = Awaited<ReturnType<typeof connectDeadLetters>>;

/**
 * The console's one Kafka connection (an admin client, a reader and the dead-letter operations),
 * opened on first use and opened again after a failed attempt, so a console started before Kafka,
 * or left running through an outage, recovers without a restart.
 */
@Injectable()
export class KafkaSession implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaSession.name);
  private session: Promise<ConsoleSession> | undefined;

  constructor(@Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig) {}

  get(): Promise<ConsoleSession> {
    if (!this.session) {
      const opening = connectDeadLetters(this.config.kafka, this.config.schemaRegistry, {
        clientId: OPS_CONSOLE,
        readTimeoutMs: this.config.console.readTimeoutMs,
        registryTimeoutMs: 5_000,
        warn: (message) => this.logger.warn(message),
      });
      this.session = opening;
      opening.catch(() => {
        if (this.session === opening) this.session = undefined;
      });
    }
    return this.session;
  }

  async onApplicationShutdown(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.then((open) => open.close()).catch(() => undefined);
  }
}
