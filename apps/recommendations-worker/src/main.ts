import { parseEnvOrExit } from '@opal/platform-config';
import { runOrExit } from '@opal/platform-runtime';
import { bootstrapWorker } from '@opal/platform-worker';
import { AppModule } from './app.module';
import { RECOMMENDATIONS_WORKER, loadRecommendationsWorkerConfig } from './config/recommendations-worker.env';

/** Hybrid app: the Kafka consumer is the worker; HTTP serves health, metrics and queries beside it. */
async function bootstrap() {
  const config = parseEnvOrExit(() => loadRecommendationsWorkerConfig(process.env));
  await bootstrapWorker(AppModule.forRoot(config), {
    appName: RECOMMENDATIONS_WORKER,
    http: config.http,
    shutdownTimeoutMs: config.runtime.shutdownTimeoutMs,
  });
}

runOrExit(RECOMMENDATIONS_WORKER, bootstrap);
