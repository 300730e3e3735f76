import { freePort, spawnInWorkspace, startNxApp, type RunningApp } from '@opal/platform-runtime/testing';

const SECRET = 'whsec_' + Buffer.from('test-producer-int-0123456789abcd').toString('base64');

describe('kafka:test-producer (built CLI against a gateway started by Nx)', () => {
  let gateway: RunningApp;

  beforeAll(async () => {
    gateway = await startNxApp('ingest-gateway', { PORT: String(await freePort()), WEBHOOK_SECRETS: SECRET });
  });

  afterAll(() => gateway?.stop());

  const runTool = async (secret: string) => {
    const run = spawnInWorkspace('node', ['dist/tools/test-producer/main.js'], { INGEST_GATEWAY_URL: gateway.baseUrl, WEBHOOK_SECRETS: secret });
    return { code: await run.exited(), output: run.output() };
  };

  it('should pass every check and exit 0 against a healthy gateway', async () => {
    const { code, output } = await runTool(SECRET);

    expect(output).toContain('15 passed, 0 failed');
    expect(output).not.toContain('FAIL');
    expect(code).toBe(0);
  });

  it('should report failures and exit 1 when its signatures are not accepted', async () => {
    const { code, output } = await runTool('whsec_' + Buffer.from('some-other-secret-0123456789').toString('base64'));

    expect(output).toMatch(/FAIL {2}accept workflow\.started/);
    expect(code).toBe(1);
  });

  it('should exit 2 with a clear message when no gateway answers', async () => {
    const run = spawnInWorkspace('node', ['dist/tools/test-producer/main.js'], { INGEST_GATEWAY_URL: `http://127.0.0.1:${await freePort()}`, WEBHOOK_SECRETS: SECRET });

    expect(await run.exited()).toBe(2);
    expect(run.output()).toContain('no gateway answering');
  });
});
