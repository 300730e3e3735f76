// The operations console (ARCHITECTURE.md §6): topics, consumer groups and lag, messages, dead
// letters with replay, workflow diagnostics, live — on :8080, where the seed put Kafka UI.
import fastifyCookie from '@fastify/cookie';
import { parseEnvOrExit } from '@opal/platform-config';
import { createHttpApp, listenAndAnnounce, runOrExit } from '@opal/platform-runtime';
import { AppModule } from './app.module';
import { OPS_CONSOLE, loadOpsConsoleConfig } from './config/ops-console.env';
import { SECURITY_HEADERS } from './pages/security-headers';

async function bootstrap() {
  const config = parseEnvOrExit(() => loadOpsConsoleConfig(process.env));
  const app = await createHttpApp(AppModule.forRoot(config), { jsonLogs: true, shutdownTimeoutMs: config.runtime.shutdownTimeoutMs });
  await app.register(fastifyCookie);
  app.getHttpAdapter().getInstance().addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  });
  await listenAndAnnounce(app, OPS_CONSOLE, config.http);
}

runOrExit(OPS_CONSOLE, bootstrap);
