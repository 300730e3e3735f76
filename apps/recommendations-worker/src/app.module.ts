import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@opal/contracts';
import { WorkerPlatformModule } from '@opal/platform-worker';
import { RECOMMENDATIONS_WORKER, type RecommendationsWorkerConfig } from './config/recommendations-worker.env';
import { RecommendationsModule } from './recommendations/recommendations.module';

export const RECOMMENDATIONS_WORKER_CONFIG = 'RECOMMENDATIONS_WORKER:CONFIG';

@Module({})
export class AppModule {
  static forRoot(config: RecommendationsWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        WorkerPlatformModule.forRoot({ appName: RECOMMENDATIONS_WORKER, groupId: CONSUMER_GROUPS.recommendations, config }),
        RecommendationsModule.forRoot({ decisionTtlSeconds: config.recommendations.decisionTtlSeconds }),
      ],
      providers: [{ provide: RECOMMENDATIONS_WORKER_CONFIG, useValue: config }],
    };
  }
}
