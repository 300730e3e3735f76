import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule } from '@opal/platform-health';
import type { DiagnosticsWorkerConfig } from './config/diagnostics-worker.env';

export const DIAGNOSTICS_WORKER_CONFIG = 'DIAGNOSTICS_WORKER:CONFIG';

@Module({})
export class AppModule {
  static forRoot(config: DiagnosticsWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule],
      providers: [{ provide: DIAGNOSTICS_WORKER_CONFIG, useValue: config }],
    };
  }
}
