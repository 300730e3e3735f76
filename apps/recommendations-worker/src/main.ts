import { CONSUMER_GROUPS } from '@opal/contracts';
import { parseEnvOrExit } from '@opal/platform-config';
import { createHttpApp, kafkaConsumerTransport, listenAndAnnounce, runOrExit } from '@opal/platform-runtime';
import { AppModule } from './app.module';
import { RECOMMENDATIONS_WORKER, loadRecommendationsWorkerConfig } from './config/recommendations-worker.env';

/** Hybrid app: the Kafka consumer is the worker; HTTP serves health, metrics and queries beside it. */
async function bootstrap() {
  const config = parseEnvOrExit(() => loadRecommendationsWorkerConfig(process.env));
  const app = await createHttpApp(AppModule.forRoot(config));
  app.connectMicroservice(
    kafkaConsumerTransport(config.kafka, { clientId: RECOMMENDATIONS_WORKER, groupId: CONSUMER_GROUPS.recommendations }),
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await listenAndAnnounce(app, RECOMMENDATIONS_WORKER, config.http);
}

runOrExit(RECOMMENDATIONS_WORKER, bootstrap);
