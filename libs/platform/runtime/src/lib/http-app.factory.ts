import { Logger, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpConfig } from '@opal/platform-config';
import { installFastifyProblemHandlers } from './problem/problem-details.fastify';
import { ProblemDetailsFilter } from './problem/problem-details.filter';

/**
 * Every app serves HTTP through Fastify (health, metrics and its own API). Shutdown hooks are on so
 * SIGTERM closes Kafka and Redis clients through Nest's lifecycle instead of dropping them.
 */
/** `bodyParser: false` leaves request bodies to the app (e.g. raw bytes for signature checks). */
export async function createHttpApp(rootModule: Type | DynamicModule, options: { bodyLimit?: number; bodyParser?: boolean } = {}) {
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({ bodyLimit: options.bodyLimit }),
    { bodyParser: options.bodyParser ?? true },
  );
  app.enableShutdownHooks();
  app.useGlobalFilters(new ProblemDetailsFilter());
  installFastifyProblemHandlers(app);
  return app;
}

export async function listenAndAnnounce(app: NestFastifyApplication, appName: string, http: HttpConfig) {
  await app.listen(http.port, http.host);
  new Logger(appName).log(`${appName} listening on http://${http.host}:${http.port} (GET /health/live)`);
}
