import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { getRedisConnectionToken } from '@nestjs-modules/ioredis';
import { Kafka } from 'kafkajs';
import type { ConsumerGroup } from '@opal/contracts';
import { minReplicasAckFor, type PlatformConfig, type WorkerConfig } from '@opal/platform-config';
import { HealthModule, kafkaReadiness, redisClientLiveness, redisReadiness, schemaRegistryReadiness } from '@opal/platform-health';
import {
  IdempotencyModule,
  createIdempotencyRedisClient,
  type IdempotencyInterceptorOptions,
  type RedisClient,
} from '@opal/platform-idempotency';
import { ConsumerGroupHealthIndicator, ConsumerProgressHealthIndicator, DUPLICATE, EventProducer, OpalKafkaServer, buildKafkaClientConfig } from '@opal/platform-kafka';
import { ObservabilityModule, OpalMetrics } from '@opal/platform-observability';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { replicaAcksBarrier } from './redis-replica-acks';

export interface WorkerPlatformOptions {
  appName: string;
  /** The consumer group and idempotency scope: one of `CONSUMER_GROUPS` (tests use their own). */
  groupId: ConsumerGroup | (string & {});
  config: PlatformConfig & { worker: WorkerConfig };
}

const REDIS = getRedisConnectionToken();

/** Closes the worker's Redis connection once Nest has stopped everything that uses it. */
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The generic claim/complete interceptor of a worker: opt-in (`@UseInterceptors(IdempotencyInterceptor)`)
 * for a handler whose effect lives outside Redis. Scoped to the group; a completed event's
 * redelivery answers `DUPLICATE` without running the handler, so the consumer counts it as such;
 * with Redis down there is no work without the record (the consumer pauses).
 */
export function claimInterceptorOptions(groupId: string): Partial<IdempotencyInterceptorOptions> {
  return { scope: groupId, duplicateResponse: DUPLICATE, failMode: 'closed' };
}

/** A claim held by another consumer frees itself after the lease; wait a little longer than that. */
const IN_FLIGHT_WAIT_MARGIN_MS = 5_000;

/** The seed's metrics path; `/api/health` and `/api/kafka/health` come with the health module's `seedAliases`. */
const SEED_METRICS_PATH = '/api/metrics';

async function kafkaAnswers(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Everything a worker runs on, shared by both (global): JSON logs and `/metrics`, the Redis
 * connection (`@InjectRedis()`, closed on shutdown), the generic claim/complete interceptor scoped
 * to the consumer group (opt-in, for handlers whose effect lives outside Redis: a handler whose
 * effect is an apply-once Redis script reports `duplicate` itself), the registry client, the shared producer (dead letters, derived events), the Kafka
 * consumer (`OpalKafkaServer`), `/health/ready` over Kafka, Redis, the registry and the
 * group membership, and `/health/live` failing on a stalled consumer. The app module adds only its domain.
 */
@Module({})
export class WorkerPlatformModule {
  static forRoot({ appName, groupId, config }: WorkerPlatformOptions): DynamicModule {
    const { worker } = config;
    const kafkaClient = buildKafkaClientConfig(config.kafka, appName);
    const redisToken = REDIS;
    return {
      module: WorkerPlatformModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({
          appName,
          logLevel: config.runtime.logLevel,
          extraMetricsPaths: [SEED_METRICS_PATH],
          // Entered by the first probe, the request context would tax every promise of the consumer
          // (async hooks, ~3% of a draining worker's CPU); a worker's HTTP lines are few.
          requestContext: false,
        }),
        IdempotencyModule.forRootAsync({
          inject: [redisToken, OpalMetrics],
          useFactory: (redis: RedisClient, metrics: OpalMetrics) => ({
            redis,
            ttlSeconds: worker.idempotency.ttlSeconds,
            leaseMs: worker.idempotency.leaseMs,
            interceptor: claimInterceptorOptions(groupId),
            onCheck: (scope, result) => metrics.recordIdempotencyCheck(scope, result),
          }),
          isGlobal: true,
        }),
        HealthModule.forRoot({
          readiness: [
            kafkaReadiness(buildKafkaClientConfig(config.kafka, `${appName}-health`)),
            redisReadiness(redisToken),
            schemaRegistryReadiness(),
            { inject: [OpalKafkaServer], useFactory: (server: OpalKafkaServer) => new ConsumerGroupHealthIndicator(server) },
          ],
          // A consumer that holds lagging partitions yet commits nothing is cured by a restart.
          liveness: [
            { inject: [OpalKafkaServer], useFactory: (server: OpalKafkaServer) => new ConsumerProgressHealthIndicator(server) },
            redisClientLiveness(redisToken),
          ],
          seedAliases: true,
          gracefulShutdownTimeoutMs: config.runtime.drainMs,
        }),
      ],
      providers: [
        // Under @nestjs-modules/ioredis's token, so domain code uses `@InjectRedis()`. Fail-fast
        // options: while Redis is down, calls fail at once and the consumer pauses.
        { provide: REDIS, useFactory: () => createIdempotencyRedisClient(config.redis) },
        RedisCloser,
        { provide: SchemaRegistryClient, useFactory: () => new SchemaRegistryClient(config.schemaRegistry) },
        {
          provide: EventProducer,
          inject: [OpalMetrics],
          useFactory: (metrics: OpalMetrics) =>
            new EventProducer({
              kafka: kafkaClient,
              onProduced: (topic, result, seconds) => metrics.recordProduced(topic, result, seconds),
            }),
        },
        {
          provide: OpalKafkaServer,
          inject: [SchemaRegistryClient, EventProducer, OpalMetrics, redisToken],
          useFactory: (registry: SchemaRegistryClient, producer: EventProducer, metrics: OpalMetrics, redis: RedisClient) => {
            const commitBarrier = replicaAcksBarrier(redis, minReplicasAckFor(worker, config.redis), worker.replicaAcks.timeoutMs);
            return new OpalKafkaServer({
              kafka: kafkaClient,
              groupId,
              registry,
              deadLetters: producer,
              metrics,
              ...(commitBarrier ? { commitBarrier } : {}),
              probes: {
                // Consumption resumes once Redis answers and, where commits wait for replicas, they acknowledge again.
                redis: async () => {
                  await redis.ping();
                  await commitBarrier?.();
                },
                'schema-registry': () => registry.ping(),
                kafka: () => kafkaAnswers(new Kafka(kafkaClient)),
              },
              maxAttempts: worker.maxAttempts,
              backoff: worker.retry,
              circuitBreakerResetMs: worker.circuitBreakerResetMs,
              inFlightWaitMs: worker.idempotency.leaseMs + IN_FLIGHT_WAIT_MARGIN_MS,
              partitionsConsumedConcurrently: worker.partitionsConcurrency,
              recordsConsumedConcurrently: worker.recordsConcurrency,
              fetchMaxBytesPerPartition: worker.fetchMaxBytesPerPartition,
              lagIntervalMs: worker.lagIntervalMs,
              stallTimeoutMs: worker.stallTimeoutMs,
            });
          },
        },
      ],
      exports: [REDIS, SchemaRegistryClient, EventProducer, OpalKafkaServer],
    };
  }
}
