import { envDefaults, InvalidEnvironmentError } from '@opal/platform-config';
import { documentedEnvDefaults } from '@opal/platform-config/testing';
import { OPS_CONSOLE, loadOpsConsoleConfig, opsConsoleEnv } from './ops-console.env';

describe(loadOpsConsoleConfig.name, () => {
  it('should default to port 8080 on loopback, read-only, payloads hidden, watching the local apps', () => {
    const config = loadOpsConsoleConfig({});

    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.console.adminToken).toBeUndefined();
    expect(config.console.showPayloads).toBe(false);
    expect(Object.fromEntries(config.console.apps)).toEqual({
      'ingest-gateway': 'http://127.0.0.1:3000',
      'diagnostics-worker': 'http://127.0.0.1:3001',
      'recommendations-worker': 'http://127.0.0.1:3002',
    });
  });

  it('should read CONSOLE_APPS as name=url pairs, trailing slashes dropped', () => {
    const config = loadOpsConsoleConfig({ CONSOLE_APPS: 'diagnostics-worker=http://diag:3001/, ingest-gateway=https://gw.example' });

    expect(Object.fromEntries(config.console.apps)).toEqual({ 'diagnostics-worker': 'http://diag:3001', 'ingest-gateway': 'https://gw.example' });
  });

  it('should refuse a CONSOLE_APPS entry that is not name=url, naming it', () => {
    expect(() => loadOpsConsoleConfig({ CONSOLE_APPS: 'diagnostics-worker:3001' })).toThrow(InvalidEnvironmentError);
    expect(() => loadOpsConsoleConfig({ CONSOLE_APPS: 'diagnostics-worker:3001' })).toThrow('"diagnostics-worker:3001" is not name=url');
  });

  it('should never echo the admin token in a start-up error', () => {
    const load = () => loadOpsConsoleConfig({ CONSOLE_ADMIN_TOKEN: 's3cret-token', CONSOLE_SHOW_PAYLOADS: 'perhaps' });

    expect(load).toThrow('CONSOLE_SHOW_PAYLOADS="perhaps": expected true or false');
    expect(load).not.toThrow(/s3cret-token/);
  });

  it("should be documented exactly in the README's configuration table: every variable, each with its default", () => {
    expect(Object.fromEntries(documentedEnvDefaults(OPS_CONSOLE))).toEqual(Object.fromEntries(envDefaults(opsConsoleEnv)));
  });
});
