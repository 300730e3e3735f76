import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyStore, createIdempotencyRedisClient, type RedisClient } from '@opal/platform-idempotency';
import { EventProducer, buildKafkaClientConfig } from '@opal/platform-kafka';
import { OpalMetrics } from '@opal/platform-observability';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { INGEST_GATEWAY, type IngestGatewayConfig } from '../config/ingest-gateway.env';
import { KafkaEventPublisher } from './kafka-event.publisher';
import { RedisDeliveryAdmission } from './redis-delivery.admission';
import { RedisDeliveryLedger } from './redis-delivery.ledger';
import { RegistryEventEncoder } from './registry-event.encoder';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { WebhookRequestMetrics } from './webhook-request.metrics';
import { DELIVERY_ADMISSION, DELIVERY_LEDGER, EVENT_ENCODER, EVENT_PUBLISHER, RATE_LIMITER } from './webhook.ports';
import { WebhooksHttpController } from './webhooks.http.controller';
import { WEBHOOKS_OPTIONS, WebhooksService, type WebhooksOptions } from './webhooks.service';

/** The gateway's one Redis connection (admission, ledger and rate limiter); exported for the readiness check. */
export const GATEWAY_REDIS = 'INGEST_GATEWAY:REDIS';

/**
 * Closes the gateway's Redis connection after Nest has stopped serving requests, once the
 * delivery results the last requests left unanswered are written (QUIT would overtake them).
 */
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_REDIS) private readonly redis: RedisClient,
    @Inject(DELIVERY_LEDGER) private readonly ledger: RedisDeliveryLedger,
  ) {}

  async onApplicationShutdown() {
    await this.ledger.settled();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class WebhooksModule {
  static forRoot(config: IngestGatewayConfig): DynamicModule {
    const options: WebhooksOptions = {
      secrets: config.webhooks.secrets,
      sourceSystem: config.webhooks.sourceSystem,
      environment: config.runtime.environment,
    };
    return {
      module: WebhooksModule,
      controllers: [WebhooksHttpController],
      providers: [
        WebhooksService,
        RedisCloser,
        WebhookRequestMetrics,
        { provide: WEBHOOKS_OPTIONS, useValue: options },
        { provide: GATEWAY_REDIS, useFactory: () => createIdempotencyRedisClient(config.redis) },
        // The producer is a provider instance, so Nest's shutdown hooks flush and disconnect it.
        {
          provide: EventProducer,
          inject: [OpalMetrics],
          useFactory: (metrics: OpalMetrics) =>
            new EventProducer({
              kafka: buildKafkaClientConfig(config.kafka, INGEST_GATEWAY),
              maxBatchSize: config.producer.maxBatchSize,
              lingerMs: config.producer.lingerMs,
              onProduced: (topic, result, seconds) => metrics.recordProduced(topic, result, seconds),
            }),
        },
        // One store on the one connection: the limiter counts, the admission claims, the ledger finishes claims.
        {
          provide: IdempotencyStore,
          inject: [GATEWAY_REDIS, OpalMetrics],
          useFactory: (redis: RedisClient, metrics: OpalMetrics) =>
            new IdempotencyStore(redis, {
              ttlSeconds: config.idempotency.ttlSeconds,
              leaseMs: config.idempotency.leaseMs,
              onCheck: (scope, result) => metrics.recordIdempotencyCheck(scope, result),
            }),
        },
        {
          provide: DELIVERY_LEDGER,
          inject: [IdempotencyStore],
          useFactory: (store: IdempotencyStore) => new RedisDeliveryLedger(store, config.idempotency),
        },
        {
          provide: DELIVERY_ADMISSION,
          inject: [IdempotencyStore, RATE_LIMITER],
          useFactory: (store: IdempotencyStore, limiter: WebhookRateLimiter) => new RedisDeliveryAdmission(store, limiter, config.idempotency),
        },
        { provide: SchemaRegistryClient, useFactory: () => new SchemaRegistryClient(config.schemaRegistry) },
        { provide: EVENT_ENCODER, inject: [SchemaRegistryClient], useFactory: (registry: SchemaRegistryClient) => new RegistryEventEncoder(registry) },
        { provide: EVENT_PUBLISHER, inject: [EventProducer], useFactory: (producer: EventProducer) => new KafkaEventPublisher(producer) },
        {
          provide: RATE_LIMITER,
          inject: [IdempotencyStore, OpalMetrics],
          useFactory: (store: IdempotencyStore, metrics: OpalMetrics) =>
            new WebhookRateLimiter(store, {
              limitPerSecond: config.webhooks.rateLimitPerSecond,
              failMode: config.idempotency.failMode,
              onCheck: (result) => metrics.recordRateLimitCheck(result),
            }),
        },
      ],
      exports: [GATEWAY_REDIS, SchemaRegistryClient],
    };
  }
}
