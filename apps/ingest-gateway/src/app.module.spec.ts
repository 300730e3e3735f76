import { injectGet } from '@opal/platform-runtime/testing';
import { AppModule } from './app.module';
import { loadIngestGatewayConfig } from './config/ingest-gateway.env';

describe(AppModule.name, () => {
  it('should answer GET /health/live with status ok', async () => {
    const response = await injectGet(AppModule.forRoot(loadIngestGatewayConfig({ WEBHOOK_SECRETS: 'whsec_' + Buffer.from('app-module-spec-secret-0123').toString('base64') })), '/health/live');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });
});
