import { envDefaults, InvalidEnvironmentError } from '@opal/platform-config';
import { documentedEnvDefaults } from '@opal/platform-config/testing';
import { INGEST_GATEWAY, ingestGatewayEnv, loadIngestGatewayConfig } from './ingest-gateway.env';

const SECRET = 'whsec_' + Buffer.from('config-spec-secret-0123456789').toString('base64');

describe(loadIngestGatewayConfig.name, () => {
  it('should default to port 3000 on loopback and the local stack', () => {
    const config = loadIngestGatewayConfig({ WEBHOOK_SECRETS: SECRET });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('should refuse an invalid variable, naming the app', () => {
    expect(() => loadIngestGatewayConfig({ WEBHOOK_SECRETS: SECRET, KAFKA_SSL: 'maybe' })).toThrow(InvalidEnvironmentError);
    expect(() => loadIngestGatewayConfig({ WEBHOOK_SECRETS: SECRET, KAFKA_SSL: 'maybe' })).toThrow('ingest-gateway: invalid environment: KAFKA_SSL="maybe": expected true or false');
  });

  it('should require webhook secrets in whsec_ form without echoing them', () => {
    expect(() => loadIngestGatewayConfig({})).toThrow('WEBHOOK_SECRETS is required');
    expect(() => loadIngestGatewayConfig({ WEBHOOK_SECRETS: 'hunter2-plain' })).toThrow('WEBHOOK_SECRETS=(value hidden): expected whsec_<base64> secrets');
    expect(() => loadIngestGatewayConfig({ WEBHOOK_SECRETS: 'hunter2-plain' })).not.toThrow(/hunter2/);
  });

  it('should accept several secrets for rotation and the gateway defaults', () => {
    const config = loadIngestGatewayConfig({ WEBHOOK_SECRETS: `${SECRET}, ${SECRET.replace('Y', 'Z')}` });
    expect(config.webhooks.secrets).toHaveLength(2);
    expect(config.idempotency).toEqual({ failMode: 'open', ttlSeconds: 86_400, leaseMs: 30_000 });
    expect(config.webhooks.rateLimitPerSecond).toBe(1000);
  });

  it('should take a producer linger of 0 (flush at the end of the event-loop turn) but no negative one', () => {
    expect(loadIngestGatewayConfig({ WEBHOOK_SECRETS: SECRET, PRODUCER_LINGER_MS: '0' }).producer.lingerMs).toBe(0);
    expect(() => loadIngestGatewayConfig({ WEBHOOK_SECRETS: SECRET, PRODUCER_LINGER_MS: '-1' })).toThrow(/PRODUCER_LINGER_MS/);
  });

  it("should be documented exactly in the README's configuration table: every variable, each with its default", () => {
    expect(Object.fromEntries(documentedEnvDefaults(INGEST_GATEWAY))).toEqual(Object.fromEntries(envDefaults(ingestGatewayEnv)));
  });
});
