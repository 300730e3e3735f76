import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { HealthSeedAliasesHttpController } from './health-seed-aliases.http.controller';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthModuleExtras, HealthModuleOptions } from './health.types';
import { readinessProviders } from './readiness/readiness.checks';

function withReadiness(definition: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  const { readiness = [], imports = [], seedAliases = false } = extras;
  return {
    ...definition,
    imports: [...new Set([...(definition.imports ?? []), ...imports])],
    providers: [...(definition.providers ?? []), ...readinessProviders(readiness)],
    controllers: seedAliases ? [HealthSeedAliasesHttpController] : [],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthModuleOptions>({ optionsInjectionToken: HEALTH_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<HealthModuleExtras>({ readiness: [], imports: [], seedAliases: false }, withReadiness)
    .build();
