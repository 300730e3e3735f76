import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, kafkaReadiness, redisReadiness, schemaRegistryReadiness } from '@opal/platform-health';
import { buildKafkaClientConfig } from '@opal/platform-kafka';
import { ObservabilityModule } from '@opal/platform-observability';
import { SchemaRegistryModule } from '@opal/platform-schema-registry';
import { OPS_CONSOLE, type OpsConsoleConfig } from './config/ops-console.env';
import { ConsoleModule } from './console.module';
import { OPS_CONSOLE_REDIS } from './ops-console.constants';
import { OverviewHttpController } from './pages/overview.http.controller';

@Module({})
export class AppModule {
  static forRoot(config: OpsConsoleConfig): DynamicModule {
    // One instance shared by the pages and the readiness checks, so both see the same Redis client.
    const consoleModule = ConsoleModule.forRoot(config);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ appName: OPS_CONSOLE, logLevel: config.runtime.logLevel }),
        SchemaRegistryModule.forRoot({ ...config.schemaRegistry, isGlobal: true }),
        HealthModule.forRoot({
          readiness: [
            kafkaReadiness(buildKafkaClientConfig(config.kafka, `${OPS_CONSOLE}-health`)),
            redisReadiness(OPS_CONSOLE_REDIS),
            schemaRegistryReadiness(),
          ],
          imports: [consoleModule],
          gracefulShutdownTimeoutMs: config.runtime.drainMs,
        }),
        consoleModule,
      ],
      controllers: [OverviewHttpController],
    };
  }
}
