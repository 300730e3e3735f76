import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule } from '@opal/platform-health';
import type { RecommendationsWorkerConfig } from './config/recommendations-worker.env';

export const RECOMMENDATIONS_WORKER_CONFIG = 'RECOMMENDATIONS_WORKER:CONFIG';

@Module({})
export class AppModule {
  static forRoot(config: RecommendationsWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule],
      providers: [{ provide: RECOMMENDATIONS_WORKER_CONFIG, useValue: config }],
    };
  }
}
