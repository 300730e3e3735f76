import { Module, type DynamicModule } from '@nestjs/common';
import {
  DEFAULT_DECISION_TTL_SECONDS,
  DEFAULT_RECOMMENDATIONS_KEY_PREFIX,
  RECOMMENDATIONS_OPTIONS,
} from './recommendations.constants';
import { RecommendationsHttpController } from './recommendations.http.controller';
import { RecommendationsMessageController } from './recommendations.message.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';
import type { RecommendationsOptions } from './recommendations.types';

export interface RecommendationsModuleOptions {
  /** Prefix of every Redis key of the worker. Default `opal:recommendations:`. */
  keyPrefix?: string;
  /** How long a personalised set is kept (and served). Default 7 days. */
  decisionTtlSeconds?: number;
}

/**
 * The recommendations domain: the Kafka handlers, `GET /v1/recommendations/:decisionId`, and their
 * Redis state. The repository takes the connection that `WorkerPlatformModule` provides globally
 * under `@nestjs-modules/ioredis`'s default token (`@InjectRedis()`) and closes on shutdown.
 */
@Module({})
export class RecommendationsModule {
  static forRoot(options: RecommendationsModuleOptions = {}): DynamicModule {
    return {
      module: RecommendationsModule,
      controllers: [RecommendationsMessageController, RecommendationsHttpController],
      providers: [
        { provide: RECOMMENDATIONS_OPTIONS, useValue: resolveOptions(options) },
        RecommendationsRepository,
        RecommendationsService,
      ],
      exports: [RecommendationsService],
    };
  }
}

export function resolveOptions(options: RecommendationsModuleOptions): RecommendationsOptions {
  const keyPrefix = options.keyPrefix ?? DEFAULT_RECOMMENDATIONS_KEY_PREFIX;
  const decisionTtlSeconds = options.decisionTtlSeconds ?? DEFAULT_DECISION_TTL_SECONDS;
  if (keyPrefix.length === 0) throw new RangeError('keyPrefix must not be empty');
  if (!Number.isSafeInteger(decisionTtlSeconds) || decisionTtlSeconds <= 0) {
    throw new RangeError(`decisionTtlSeconds must be a positive integer, got ${String(decisionTtlSeconds)}`);
  }
  return { keyPrefix, decisionTtlSeconds };
}
