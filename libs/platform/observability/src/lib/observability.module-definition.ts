import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import type { Logger } from 'pino';
import { PROBLEM_LOG_FIELDS } from '@opal/platform-runtime';
import { requestLogFields } from './logging/correlation-id';
import { FastifyCorrelationHook } from './logging/fastify-correlation.hook';
import { FastifyRequestLogging } from './logging/fastify-request.logging';
import { createJsonLogger, loggerModuleParams, requestLogQuietPaths } from './logging/json-logger.factory';
import { metricsControllerFor } from './metrics/metrics.http.controller';
import { OpalMetrics } from './metrics/opal.metrics';
import { collectProcessMetrics } from './metrics/process-metrics';
import { METRICS_PATH, OBSERVABILITY_OPTIONS, REQUEST_LOG_QUIET_PATHS, ROOT_LOGGER } from './observability.constants';
import type { ObservabilityExtras, ObservabilityOptions } from './observability.types';

/**
 * Everything that depends on the options is built here: the options provider moves into a small
 * module of its own so that nestjs-pino's `LoggerModule` can inject it too (sync or async).
 */
function withLoggingAndMetrics(definition: DynamicModule, extras: ObservabilityExtras): DynamicModule {
  const { extraMetricsPaths = [], isGlobal = true } = extras;
  const options: DynamicModule = {
    module: class ObservabilityOptionsModule {},
    imports: definition.imports ?? [],
    providers: [
      ...(definition.providers ?? []),
      // One root logger for nestjs-pino's loggers and for the request lines.
      { provide: ROOT_LOGGER, useFactory: createJsonLogger, inject: [OBSERVABILITY_OPTIONS] },
      {
        provide: REQUEST_LOG_QUIET_PATHS,
        useFactory: (resolved: ObservabilityOptions) => requestLogQuietPaths(resolved, extraMetricsPaths),
        inject: [OBSERVABILITY_OPTIONS],
      },
    ],
    exports: [OBSERVABILITY_OPTIONS, ROOT_LOGGER, REQUEST_LOG_QUIET_PATHS],
  };
  return {
    module: definition.module,
    global: isGlobal,
    imports: [
      options,
      LoggerModule.forRootAsync({
        imports: [options],
        inject: [ROOT_LOGGER],
        useFactory: (root: Logger) => loggerModuleParams(root),
      }),
      PrometheusModule.register({
        path: METRICS_PATH,
        controller: metricsControllerFor(METRICS_PATH),
        // Registered by `collectProcessMetrics`, minus the gauges promtool rejects.
        defaultMetrics: { enabled: false },
      }),
    ],
    controllers: extraMetricsPaths.map(metricsControllerFor),
    providers: [
      // The 5xx line of createHttpApp's filter names the request whether or not a request context runs.
      { provide: PROBLEM_LOG_FIELDS, useValue: requestLogFields },
      FastifyCorrelationHook,
      // After the correlation hook: its onRequest hook must see request.id already decided.
      FastifyRequestLogging,
      {
        provide: OpalMetrics,
        useFactory: () => {
          collectProcessMetrics(register);
          return new OpalMetrics(register);
        },
      },
    ],
    exports: [OpalMetrics, options],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<ObservabilityOptions>({ optionsInjectionToken: OBSERVABILITY_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<ObservabilityExtras>({ isGlobal: true, extraMetricsPaths: [] }, withLoggingAndMetrics)
    .build();
