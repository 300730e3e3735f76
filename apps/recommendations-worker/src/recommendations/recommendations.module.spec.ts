import { Global, Module } from '@nestjs/common';
import { getRedisConnectionToken } from '@nestjs-modules/ioredis';
import { Test } from '@nestjs/testing';
import {
  DEFAULT_DECISION_TTL_SECONDS,
  DEFAULT_RECOMMENDATIONS_KEY_PREFIX,
  RECOMMENDATIONS_OPTIONS,
} from './recommendations.constants';
import { RecommendationsHttpController } from './recommendations.http.controller';
import { RecommendationsMessageController } from './recommendations.message.controller';
import { RecommendationsModule, resolveOptions } from './recommendations.module';
import { RecommendationsService } from './recommendations.service';

const redisStub = { defineCommand: jest.fn() };

/** Stands in for the connection `WorkerPlatformModule` provides globally: the module must take it from there. */
@Global()
@Module({ providers: [{ provide: getRedisConnectionToken(), useValue: redisStub }], exports: [getRedisConnectionToken()] })
class GlobalRedisStubModule {}

describe(RecommendationsModule.name, () => {
  describe('forRoot', () => {
    it('should wire both controllers and the service onto the global Redis connection', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [GlobalRedisStubModule, RecommendationsModule.forRoot({ keyPrefix: 'custom:' })],
      }).compile();

      expect(moduleRef.get(RecommendationsService)).toBeInstanceOf(RecommendationsService);
      expect(moduleRef.get(RecommendationsHttpController)).toBeInstanceOf(RecommendationsHttpController);
      expect(moduleRef.get(RecommendationsMessageController)).toBeInstanceOf(RecommendationsMessageController);
      expect(moduleRef.get(RECOMMENDATIONS_OPTIONS)).toEqual({ keyPrefix: 'custom:', decisionTtlSeconds: DEFAULT_DECISION_TTL_SECONDS });
      expect(redisStub.defineCommand).toHaveBeenCalled();
      await moduleRef.close();
    });

    it('should fail to compile without a Redis connection', async () => {
      await expect(Test.createTestingModule({ imports: [RecommendationsModule.forRoot()] }).compile()).rejects.toThrow(
        /RecommendationsRepository/,
      );
    });
  });

  describe('resolveOptions', () => {
    it('should default to the opal:recommendations: prefix and 7 days', () => {
      expect(resolveOptions({})).toEqual({ keyPrefix: DEFAULT_RECOMMENDATIONS_KEY_PREFIX, decisionTtlSeconds: 604_800 });
      expect(DEFAULT_RECOMMENDATIONS_KEY_PREFIX).toBe('opal:recommendations:');
    });

    it('should keep given options', () => {
      expect(resolveOptions({ keyPrefix: 'p:', decisionTtlSeconds: 60 })).toEqual({ keyPrefix: 'p:', decisionTtlSeconds: 60 });
    });

    it.each([0, -1, 1.5, Number.NaN])('should refuse decisionTtlSeconds %p', (decisionTtlSeconds) => {
      expect(() => resolveOptions({ decisionTtlSeconds })).toThrow(RangeError);
    });

    it('should refuse an empty key prefix', () => {
      expect(() => resolveOptions({ keyPrefix: '' })).toThrow(RangeError);
    });
  });
});
