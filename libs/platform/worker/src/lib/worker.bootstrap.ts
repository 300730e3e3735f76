import type { DynamicModule, Type } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpConfig } from '@opal/platform-config';
import { OpalKafkaServer } from '@opal/platform-kafka';
import { createHttpApp, listenAndAnnounce } from '@opal/platform-runtime';

export interface WorkerBootstrapOptions {
  appName: string;
  http: HttpConfig;
  /** Omit in tests that close the app themselves. */
  shutdownTimeoutMs?: number;
}

/**
 * Starts a hybrid worker: HTTP (health, metrics, queries) first, so liveness answers while the
 * consumer joins its group; then the Kafka consumer from `WorkerPlatformModule`. The consumer
 * shares the app's enhancers: the idempotency interceptor (message handlers only) and the global
 * filter, which hands handler errors back unchanged so the consumer can classify them.
 */
export async function bootstrapWorker(rootModule: Type | DynamicModule, options: WorkerBootstrapOptions): Promise<NestFastifyApplication> {
  const app = await createHttpApp(rootModule, {
    jsonLogs: true,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(OpalKafkaServer) }, { inheritAppConfig: true });
  await listenAndAnnounce(app, options.appName, options.http);
  await app.startAllMicroservices();
  return app;
}
