import { CONSUMER_GROUPS } from '@opal/contracts';
import { parseEnvOrExit } from '@opal/platform-config';
import { createHttpApp, kafkaConsumerTransport, listenAndAnnounce, runOrExit } from '@opal/platform-runtime';
import { AppModule } from './app.module';
import { DIAGNOSTICS_WORKER, loadDiagnosticsWorkerConfig } from './config/diagnostics-worker.env';

/** Hybrid app: the Kafka consumer is the worker; HTTP serves health, metrics and queries beside it. */
async function bootstrap() {
  const config = parseEnvOrExit(() => loadDiagnosticsWorkerConfig(process.env));
  const app = await createHttpApp(AppModule.forRoot(config));
  app.connectMicroservice(
    kafkaConsumerTransport(config.kafka, { clientId: DIAGNOSTICS_WORKER, groupId: CONSUMER_GROUPS.diagnostics }),
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await listenAndAnnounce(app, DIAGNOSTICS_WORKER, config.http);
}

runOrExit(DIAGNOSTICS_WORKER, bootstrap);
