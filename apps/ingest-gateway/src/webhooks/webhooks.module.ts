import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { IdempotencyStore, idempotencyRedisOptions } from '@opal/platform-idempotency';
import { EventProducer, buildKafkaClientConfig } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { INGEST_GATEWAY, type IngestGatewayConfig } from '../config/ingest-gateway.env';
import { KafkaEventPublisher } from './kafka-event.publisher';
import { RedisDeliveryLedger } from './redis-delivery.ledger';
import { RegistryEventEncoder } from './registry-event.encoder';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { DELIVERY_LEDGER, EVENT_ENCODER, EVENT_PUBLISHER, RATE_LIMITER } from './webhook.ports';
import { WebhooksHttpController } from './webhooks.http.controller';
import { WEBHOOKS_OPTIONS, WebhooksService, type WebhooksOptions } from './webhooks.service';

const GATEWAY_REDIS = 'INGEST_GATEWAY:REDIS';

/** Closes the gateway's Redis connection after Nest has stopped serving requests. */
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown() {
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
        { provide: WEBHOOKS_OPTIONS, useValue: options },
        { provide: GATEWAY_REDIS, useFactory: () => new Redis(idempotencyRedisOptions(config.redis)) },
        // The producer is a provider instance, so Nest's shutdown hooks flush and disconnect it.
        {
          provide: EventProducer,
          useFactory: () =>
            new EventProducer({
              kafka: buildKafkaClientConfig(config.kafka, INGEST_GATEWAY),
              maxBatchSize: config.producer.maxBatchSize,
              lingerMs: config.producer.lingerMs,
            }),
        },
        {
          provide: DELIVERY_LEDGER,
          inject: [GATEWAY_REDIS],
          useFactory: (redis: Redis) =>
            new RedisDeliveryLedger(new IdempotencyStore(redis, { ttlSeconds: config.idempotency.ttlSeconds, leaseMs: config.idempotency.leaseMs }), config.idempotency),
        },
        { provide: EVENT_ENCODER, useFactory: () => new RegistryEventEncoder(new SchemaRegistryClient(config.schemaRegistry)) },
        { provide: EVENT_PUBLISHER, inject: [EventProducer], useFactory: (producer: EventProducer) => new KafkaEventPublisher(producer) },
        {
          provide: RATE_LIMITER,
          inject: [GATEWAY_REDIS],
          useFactory: (redis: Redis) => new WebhookRateLimiter(redis, config.webhooks.rateLimitPerSecond),
        },
      ],
    };
  }
}
