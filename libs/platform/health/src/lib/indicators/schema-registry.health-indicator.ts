import type { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { HEALTH_KEYS } from '../health.constants';
import { DependencyHealthIndicator } from './dependency.health-indicator';

export interface SchemaRegistryHealthIndicatorOptions {
  key?: string;
  timeoutMs?: number;
}

/** Schema Registry readiness: the registry answers its global config (`SchemaRegistryClient.ping`). */
export class SchemaRegistryHealthIndicator extends DependencyHealthIndicator {
  constructor(
    private readonly registry: Pick<SchemaRegistryClient, 'ping'>,
    options: SchemaRegistryHealthIndicatorOptions = {},
  ) {
    super(options.key ?? HEALTH_KEYS.schemaRegistry, options.timeoutMs);
  }

  protected async probe(): Promise<void> {
    await this.registry.ping();
  }
}
