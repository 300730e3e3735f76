import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { HealthSeedAliasesHttpController } from './health-seed-aliases.http.controller';
import { HEALTH_LIVENESS_INDICATORS, HEALTH_OPTIONS, HEALTH_READINESS_INDICATORS } from './health.constants';
import type { HealthModuleExtras, HealthModuleOptions } from './health.types';
import { indicatorProviders } from './readiness/readiness.checks';

function withIndicators(definition: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  const { readiness = [], liveness = [], imports = [], seedAliases = false } = extras;
  return {
    ...definition,
    imports: [...new Set([...(definition.imports ?? []), ...imports])],
    providers: [
      ...(definition.providers ?? []),
      ...indicatorProviders(readiness, HEALTH_READINESS_INDICATORS),
      ...indicatorProviders(liveness, HEALTH_LIVENESS_INDICATORS),
    ],
    controllers: seedAliases ? [HealthSeedAliasesHttpController] : [],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthModuleOptions>({ optionsInjectionToken: HEALTH_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<HealthModuleExtras>({ readiness: [], liveness: [], imports: [], seedAliases: false }, withIndicators)
    .build();
