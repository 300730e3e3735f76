import { parseEnvOrExit } from '@opal/platform-config';
import { createHttpApp, listenAndAnnounce, runOrExit } from '@opal/platform-runtime';
import { AppModule } from './app.module';
import { INGEST_GATEWAY, loadIngestGatewayConfig } from './config/ingest-gateway.env';
import { useRawJsonBodies } from './webhooks/raw-json-body';

async function bootstrap() {
  const config = parseEnvOrExit(() => loadIngestGatewayConfig(process.env));
  const app = await createHttpApp(AppModule.forRoot(config), {
    bodyLimit: config.maxBodyBytes,
    bodyParser: false,
    jsonLogs: true,
    shutdownTimeoutMs: config.runtime.shutdownTimeoutMs,
  });
  useRawJsonBodies(app, config.maxBodyBytes);
  await listenAndAnnounce(app, INGEST_GATEWAY, config.http);
}

runOrExit(INGEST_GATEWAY, bootstrap);
