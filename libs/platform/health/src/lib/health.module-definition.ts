import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { HealthSeedAliasesHttpController } from './health-seed-aliases.http.controller';
import { HEALTH_LIVENESS_INDICATORS, HEALTH_OPTIONS } from './health.constants';
import type { HealthModuleExtras, HealthModuleOptions } from './health.types';
import { readinessProviders } from './readiness/readiness.checks';

function withReadiness(definition: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  const { readiness = [], liveness = [], imports = [], seedAliases = false } = extras;
  return {
    ...definition,
    imports: [...new Set([...(definition.imports ?? []), ...imports])],
    providers: [
      ...(definition.providers ?? []),
      ...readinessProviders(readiness),
      ...readinessProviders(liveness, HEALTH_LIVENESS_INDICATORS),
    ],
    controllers: seedAliases ? [HealthSeedAliasesHttpController] : [],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthModuleOptions>({ optionsInjectionToken: HEALTH_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<HealthModuleExtras>({ readiness: [], liveness: [], imports: [], seedAliases: false }, withReadiness)
    .build();
