import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createIdempotencyRedisClient, type RedisClient } from '@opal/platform-idempotency';
import { AppStatusService } from './apps/app-status.service';
import { DiagnosticsClient } from './apps/diagnostics.client';
import { AdminAccess } from './auth/admin-access';
import type { OpsConsoleConfig } from './config/ops-console.env';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { ClusterOverviewService } from './kafka/cluster-overview.service';
import { ConsumerGroupsService } from './kafka/consumer-groups.service';
import { KafkaSession } from './kafka/kafka.session';
import { MessagesService } from './kafka/messages.service';
import { TopicRateSampler } from './kafka/topic-rate.sampler';
import { OPS_CONSOLE_CONFIG, OPS_CONSOLE_REDIS } from './ops-console.constants';
import { AssetsHttpController } from './pages/assets.http.controller';
import { AuthHttpController } from './pages/auth.http.controller';
import { DeadLettersHttpController } from './pages/dead-letters.http.controller';
import { GroupsHttpController } from './pages/groups.http.controller';
import { MessagesHttpController } from './pages/messages.http.controller';
import { PageRenderer } from './pages/page.renderer';
import { WorkflowsHttpController } from './pages/workflows.http.controller';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(OPS_CONSOLE_REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The console's pages and the services behind them; the Redis connection is exported for readiness. */
@Module({})
export class ConsoleModule {
  static forRoot(config: OpsConsoleConfig): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [
        GroupsHttpController,
        MessagesHttpController,
        DeadLettersHttpController,
        WorkflowsHttpController,
        AuthHttpController,
        AssetsHttpController,
      ],
      providers: [
        { provide: OPS_CONSOLE_CONFIG, useValue: config },
        { provide: OPS_CONSOLE_REDIS, useFactory: () => createIdempotencyRedisClient(config.redis) },
        { provide: AdminAccess, useValue: new AdminAccess(config.console.adminToken) },
        RedisCloser,
        KafkaSession,
        TopicRateSampler,
        ClusterOverviewService,
        ConsumerGroupsService,
        MessagesService,
        DeadLettersService,
        AppStatusService,
        DiagnosticsClient,
        PageRenderer,
      ],
      // The overview sits in AppModule, beside HealthModule, whose readiness it shows.
      exports: [OPS_CONSOLE_REDIS, ClusterOverviewService, AppStatusService, PageRenderer],
    };
  }
}
