import type { FactoryProvider, InjectionToken, Provider, Type } from '@nestjs/common';
import { RedisClientLivenessIndicator, type RedisClientState } from '../indicators/redis-client.liveness-indicator';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { KafkaHealthIndicator, type KafkaHealthIndicatorOptions } from '../indicators/kafka.health-indicator';
import {
  RedisHealthIndicator,
  type RedisHealthIndicatorOptions,
  type RedisPingClient,
} from '../indicators/redis.health-indicator';
import {
  SchemaRegistryHealthIndicator,
  type SchemaRegistryHealthIndicatorOptions,
} from '../indicators/schema-registry.health-indicator';
import type { ReadinessIndicator } from './readiness-indicator';

/** An indicator built by Nest from the dependencies it injects (resolved in `HealthModule`'s imports). */
export interface ReadinessIndicatorFactory {
  useFactory: (...dependencies: never[]) => ReadinessIndicator | Promise<ReadinessIndicator>;
  inject?: InjectionToken[];
}

/**
 * An entry of `HealthModule.forRoot({ readiness })`: a ready instance, an `@Injectable()` class
 * (e.g. a `DependencyHealthIndicator` subclass with its own constructor dependencies), or a factory.
 */
export type ReadinessCheck = ReadinessIndicator | Type<ReadinessIndicator> | ReadinessIndicatorFactory;

/** Kafka readiness over its own admin connection, from the app's kafkajs client config. */
export function kafkaReadiness(client: KafkaHealthIndicatorOptions['client'], options: Omit<KafkaHealthIndicatorOptions, 'client'> = {}): ReadinessCheck {
  return new KafkaHealthIndicator({ ...options, client });
}

/** Redis readiness: PINGs the ioredis client provided under `client` (a token visible to `HealthModule`). */
export function redisReadiness(client: InjectionToken, options: RedisHealthIndicatorOptions = {}): ReadinessCheck {
  return { inject: [client], useFactory: (redis: RedisPingClient) => new RedisHealthIndicator(redis, options) };
}

/** Liveness of the app's ioredis client under `client`: down only once it stopped reconnecting for good. */
export function redisClientLiveness(client: InjectionToken): ReadinessCheck {
  return { inject: [client], useFactory: (redis: RedisClientState) => new RedisClientLivenessIndicator(redis) };
}

/** Schema Registry readiness through the app's `SchemaRegistryClient` (by default the one `SchemaRegistryModule` provides). */
export function schemaRegistryReadiness(
  client: InjectionToken = SchemaRegistryClient,
  options: SchemaRegistryHealthIndicatorOptions = {},
): ReadinessCheck {
  return {
    inject: [client],
    useFactory: (registry: SchemaRegistryClient) => new SchemaRegistryHealthIndicator(registry, options),
  };
}

const isClass = (check: ReadinessCheck): check is Type<ReadinessIndicator> => typeof check === 'function';
const isFactory = (check: ReadinessCheck): check is ReadinessIndicatorFactory => 'useFactory' in check;

/** One provider per check, plus the list under `listToken` (readiness or liveness) in declaration order. */
export function indicatorProviders(checks: readonly ReadinessCheck[], listToken: string): Provider[] {
  const providers = checks.map((check, index): Provider & { provide: InjectionToken } => {
    if (isClass(check)) return { provide: check, useClass: check };
    const provide = `${listToken}:${index}`;
    return isFactory(check) ? { provide, useFactory: check.useFactory, inject: check.inject ?? [] } : { provide, useValue: check };
  });
  const list: FactoryProvider<ReadinessIndicator[]> = {
    provide: listToken,
    inject: providers.map((provider) => provider.provide),
    useFactory: (...indicators: ReadinessIndicator[]) => indicators,
  };
  return [...providers, list];
}
