import { connect } from 'node:net';
import { freePort, spawnInWorkspace, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

const TEST_SECRET = 'whsec_' + Buffer.from('integration-test-secret-0123456').toString('base64');

describe('ingest-gateway (started by Nx)', () => {
  let app: RunningApp | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await startNxApp('ingest-gateway', { PORT: String(port), WEBHOOK_SECRETS: TEST_SECRET });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('should answer GET /health/live with 200, the process and its Redis client still reconnecting', async () => {
    const response = await fetch(`${app?.baseUrl}/health/live`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' }, redis_client: { status: 'up' } } });
  });

  it('should close its port after SIGTERM', async () => {
    await app?.stop('SIGTERM');
    app = undefined;

    expect(await refusesConnections(port)).toBe(true);
  });
});

describe('ingest-gateway start-up validation', () => {
  it('should exit 1 with one line naming the bad variable', async () => {
    const run = spawnInWorkspace('node', ['dist/apps/ingest-gateway/main.js'], { PORT: 'abc', MAX_BODY_BYTES: '-5', WEBHOOK_SECRETS: '' });

    expect(await run.exited()).toBe(1);
    expect(run.output()).toBe(
      'ingest-gateway: invalid environment: PORT="abc": expected a TCP port (integer 1-65535); WEBHOOK_SECRETS is required: expected whsec_<base64> secrets, comma-separated; MAX_BODY_BYTES="-5": expected a positive integer\n',
    );
  });
});
