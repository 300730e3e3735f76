import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@opal/contracts';
import { EventProducer } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { WorkerPlatformModule } from '@opal/platform-worker';
import { DIAGNOSTICS_WORKER, type DiagnosticsWorkerConfig } from './config/diagnostics-worker.env';
import { DEGRADED_ALERT_PUBLISHER, DiagnosticsModule } from './diagnostics';
import { KafkaDegradedAlertPublisher } from './diagnostics/kafka-degraded-alert.publisher';

export const DIAGNOSTICS_WORKER_CONFIG = 'DIAGNOSTICS_WORKER:CONFIG';

@Module({})
export class AppModule {
  static forRoot(config: DiagnosticsWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        WorkerPlatformModule.forRoot({ appName: DIAGNOSTICS_WORKER, groupId: CONSUMER_GROUPS.diagnostics, config }),
        DiagnosticsModule.forRoot({
          thresholds: config.thresholds,
          retentionSeconds: config.retentionSeconds,
          degradedAlertPublisher: {
            provide: DEGRADED_ALERT_PUBLISHER,
            inject: [EventProducer, SchemaRegistryClient],
            useFactory: (producer: EventProducer, registry: SchemaRegistryClient) =>
              new KafkaDegradedAlertPublisher(producer, registry, config.runtime.environment),
          },
        }),
      ],
      providers: [{ provide: DIAGNOSTICS_WORKER_CONFIG, useValue: config }],
    };
  }
}
