import { injectGet } from '@opal/platform-runtime/testing';
import { AppModule } from './app.module';
import { loadDiagnosticsWorkerConfig } from './config/diagnostics-worker.env';

describe(AppModule.name, () => {
  it('should answer GET /health/live with status ok', async () => {
    const response = await injectGet(AppModule.forRoot(loadDiagnosticsWorkerConfig({})), '/health/live');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });
});
