import { Logger, type DynamicModule, type Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpConfig } from '@opal/platform-config';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { frameworkProblem, sendProblem } from './problem/problem-details';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { RouteMethods } from './problem/route-methods';

export interface HttpAppOptions {
  bodyLimit?: number;
  /** `false` leaves request bodies to the app (e.g. raw bytes for signature checks). */
  bodyParser?: boolean;
  /** Log through `ObservabilityModule`'s JSON logger (the root module must import it); start-up logs wait for it. */
  jsonLogs?: boolean;
  /** After SIGTERM, exit with code 1 if closing takes longer than this (`SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs?: number;
}

/** What else names a request on the line a 5xx is logged with. */
export type ProblemLogFields = (request: FastifyRequest) => Record<string, unknown>;

/**
 * The DI token of an app's `ProblemLogFields`. `ObservabilityModule` provides it (the request's
 * correlation id, which a line written outside the request context would otherwise lack), so an
 * app that turns that context off needs no second setting here.
 */
export const PROBLEM_LOG_FIELDS = 'RUNTIME:PROBLEM_LOG_FIELDS';

/**
 * Looked up rather than `app.get`: a missing provider there exits the process (Nest's abortOnError).
 * An app without ObservabilityModule (a test app) has none: its lines have the cause and status.
 */
function problemLogFieldsOf(app: NestFastifyApplication): ProblemLogFields | undefined {
  for (const module of app.get(ModulesContainer).values()) {
    const provider = module.providers.get(PROBLEM_LOG_FIELDS);
    if (provider) return provider.instance as ProblemLogFields;
  }
  return undefined;
}

/**
 * Every app serves HTTP through Fastify (health, metrics and its own API). Shutdown hooks are on so
 * SIGTERM closes Kafka and Redis clients through Nest's lifecycle instead of dropping them.
 * Fastify's own errors (body too large, wrong media type, bad JSON) reach the global filter through
 * the error handler Nest installs at init, and those raised before routing (an over-long path
 * parameter, a malformed URL) through `frameworkErrors`, so every error leaves as problem+json; a
 * known path asked with the wrong method is a 405 with `Allow`.
 */
export async function createHttpApp(rootModule: Type | DynamicModule, options: HttpAppOptions = {}) {
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({
      bodyLimit: options.bodyLimit,
      frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => void sendProblem(frameworkProblem(error), request, reply),
    }),
    { bodyParser: options.bodyParser ?? true, bufferLogs: options.jsonLogs ?? false },
  );
  // Routes are registered at init, after this: the hook sees every one of them.
  const routes = new RouteMethods();
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => routes.add(route.method, route.url));
  if (options.jsonLogs) app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  if (options.shutdownTimeoutMs) exitIfShutdownHangs(options.shutdownTimeoutMs);
  app.useGlobalFilters(new ProblemDetailsFilter(routes, problemLogFieldsOf(app)));
  return app;
}

/** A stuck close (a broker that never answers) must not outlive the orchestrator's grace period. */
function exitIfShutdownHangs(timeoutMs: number): void {
  process.once('SIGTERM', () => {
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
  });
}

export async function listenAndAnnounce(app: NestFastifyApplication, appName: string, http: HttpConfig) {
  await app.listen(http.port, http.host);
  new Logger(appName).log(`${appName} listening on http://${http.host}:${http.port} (GET /health/live)`);
}
