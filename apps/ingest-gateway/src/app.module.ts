import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, kafkaReadiness, redisClientLiveness, redisReadiness, schemaRegistryReadiness } from '@opal/platform-health';
import { buildKafkaClientConfig } from '@opal/platform-kafka';
import { ObservabilityModule } from '@opal/platform-observability';
import { INGEST_GATEWAY, type IngestGatewayConfig } from './config/ingest-gateway.env';
import { GATEWAY_REDIS, WebhooksModule } from './webhooks/webhooks.module';

export const INGEST_GATEWAY_CONFIG = 'INGEST_GATEWAY:CONFIG';

/** The seed's metrics path; `/api/health` and `/api/kafka/health` come with the health module's `seedAliases`. */
const SEED_METRICS_PATH = '/api/metrics';

@Module({})
export class AppModule {
  static forRoot(config: IngestGatewayConfig): DynamicModule {
    // One instance shared by the app and the readiness checks, so both see the same Redis client.
    const webhooks = WebhooksModule.forRoot(config);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({
          appName: INGEST_GATEWAY,
          logLevel: config.runtime.logLevel,
          extraMetricsPaths: [SEED_METRICS_PATH],
          // The webhook path names its request in its own lines: the context cost 12% of its CPU.
          requestContext: false,
        }),
        HealthModule.forRoot({
          readiness: [
            kafkaReadiness(buildKafkaClientConfig(config.kafka, `${INGEST_GATEWAY}-health`)),
            redisReadiness(GATEWAY_REDIS),
            schemaRegistryReadiness(),
          ],
          liveness: [redisClientLiveness(GATEWAY_REDIS)],
          imports: [webhooks],
          seedAliases: true,
          gracefulShutdownTimeoutMs: config.runtime.drainMs,
        }),
        webhooks,
      ],
      providers: [{ provide: INGEST_GATEWAY_CONFIG, useValue: config }],
    };
  }
}
