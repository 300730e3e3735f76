import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Provider } from '@nestjs/common';
import { DUPLICATE } from '@opal/platform-kafka';
import { platformSchema, toPlatformConfig, toWorkerConfig, workerEnv } from '@opal/platform-config';
import { WorkerPlatformModule, claimInterceptorOptions } from './worker-platform.module';

/** A worker's config with every default, as an app would parse it from an empty environment. */
function defaultWorkerConfig() {
  const env = platformSchema(3999, workerEnv).parse({});
  return { ...toPlatformConfig(env), worker: toWorkerConfig(env) };
}

describe(WorkerPlatformModule.name, () => {
  describe('forRoot', () => {
    it('should not put the generic claim around every handler: a handler with an apply-once script needs no second mechanism', () => {
      const module = WorkerPlatformModule.forRoot({ appName: 'probe-worker', groupId: 'probe-group', config: defaultWorkerConfig() });
      const tokens = (module.providers ?? []).map((provider: Provider) => (typeof provider === 'object' && 'provide' in provider ? provider.provide : provider));

      expect(tokens).not.toContain(APP_INTERCEPTOR);
    });
  });

  describe(claimInterceptorOptions.name, () => {
    it("should scope the opt-in claim to the group, answer a completed event's redelivery with DUPLICATE and refuse work without Redis", () => {
      expect(claimInterceptorOptions('opal-diagnostics')).toEqual({ scope: 'opal-diagnostics', duplicateResponse: DUPLICATE, failMode: 'closed' });
    });
  });
});
