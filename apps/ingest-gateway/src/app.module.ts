import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule } from '@opal/platform-health';
import type { IngestGatewayConfig } from './config/ingest-gateway.env';
import { WebhooksModule } from './webhooks/webhooks.module';

export const INGEST_GATEWAY_CONFIG = 'INGEST_GATEWAY:CONFIG';

@Module({})
export class AppModule {
  static forRoot(config: IngestGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule, WebhooksModule.forRoot(config)],
      providers: [{ provide: INGEST_GATEWAY_CONFIG, useValue: config }],
    };
  }
}
