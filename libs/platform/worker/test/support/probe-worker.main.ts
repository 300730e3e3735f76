/**
 * A worker process for the fault tests, started the way every app's src/main.ts starts its worker
 * (`bootstrapWorker` with the SIGTERM watchdog) so that SIGKILL and SIGTERM hit a real process:
 * `node -r @swc-node/register libs/platform/worker/test/support/probe-worker.main.ts`.
 * Besides the worker variables (MAX_ATTEMPTS, IDEMPOTENCY_LEASE_MS, SHUTDOWN_TIMEOUT_MS,
 * CONSUMER_PARTITIONS_CONCURRENCY...) it reads TOPIC, GROUP, LEDGER_PREFIX, HANDLE_DELAY_MS and APP_NAME.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import {
  nonNegativeIntVar,
  parseEnv,
  parseEnvOrExit,
  platformSchema,
  stringVar,
  toPlatformConfig,
  toWorkerConfig,
  workerEnv,
} from '@opal/platform-config';
import { runOrExit } from '@opal/platform-runtime';
import { WorkerPlatformModule, bootstrapWorker } from '../../src';
import { FaultProbeModule } from './fault-probe.module';

const PROBE_WORKER = 'probe-worker';

const probeWorkerEnv = platformSchema(3999, {
  ...workerEnv,
  APP_NAME: stringVar(PROBE_WORKER),
  TOPIC: stringVar(),
  GROUP: stringVar(),
  LEDGER_PREFIX: stringVar(),
  HANDLE_DELAY_MS: nonNegativeIntVar(0),
});

function loadProbeWorkerConfig(env: NodeJS.ProcessEnv) {
  const parsed = parseEnv(PROBE_WORKER, probeWorkerEnv, env);
  return {
    ...toPlatformConfig(parsed),
    worker: toWorkerConfig(parsed),
    appName: parsed.APP_NAME,
    groupId: parsed.GROUP,
    probe: { topic: parsed.TOPIC, ledgerPrefix: parsed.LEDGER_PREFIX, handleDelayMs: parsed.HANDLE_DELAY_MS },
  };
}

type ProbeWorkerConfig = ReturnType<typeof loadProbeWorkerConfig>;

@Module({})
class ProbeWorkerModule {
  static forRoot(config: ProbeWorkerConfig): DynamicModule {
    return {
      module: ProbeWorkerModule,
      imports: [
        WorkerPlatformModule.forRoot({ appName: config.appName, groupId: config.groupId, config }),
        FaultProbeModule.forRoot(config.probe),
      ],
    };
  }
}

async function bootstrap() {
  const config = parseEnvOrExit(() => loadProbeWorkerConfig(process.env));
  await bootstrapWorker(ProbeWorkerModule.forRoot(config), {
    appName: config.appName,
    http: config.http,
    shutdownTimeoutMs: config.runtime.shutdownTimeoutMs,
  });
}

runOrExit(PROBE_WORKER, bootstrap);
