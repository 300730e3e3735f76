import { parseEnvOrExit } from '@opal/platform-config';
import { runOrExit } from '@opal/platform-runtime';
import { bootstrapWorker } from '@opal/platform-worker';
import { AppModule } from './app.module';
import { DIAGNOSTICS_WORKER, loadDiagnosticsWorkerConfig } from './config/diagnostics-worker.env';

/** Hybrid app: the Kafka consumer is the worker; HTTP serves health, metrics and queries beside it. */
async function bootstrap() {
  const config = parseEnvOrExit(() => loadDiagnosticsWorkerConfig(process.env));
  await bootstrapWorker(AppModule.forRoot(config), {
    appName: DIAGNOSTICS_WORKER,
    http: config.http,
    shutdownTimeoutMs: config.runtime.shutdownTimeoutMs,
  });
}

runOrExit(DIAGNOSTICS_WORKER, bootstrap);
